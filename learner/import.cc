#include "learner/import.h"

namespace warden {
namespace {

// CensusEntry is the first census entry made for exactly `id`.
const PackageEntry* CensusEntry(const PackageId& id,
                                const std::vector<CensusPolicy>& census,
                                std::string* file) {
  const std::string pinned = "=" + id.version;
  for (const CensusPolicy& c : census) {
    for (const PackageEntry& e : c.policy.packages) {
      if (e.name != id.name || e.version_req != pinned) continue;
      if (!e.source.empty() && e.source != "registry") continue;
      *file = c.file;
      return &e;
    }
  }
  return nullptr;
}

bool HasEntry(const Policy& policy, const std::string& name) {
  for (const PackageEntry& e : policy.packages)
    if (e.name == name) return true;
  return false;
}

}  // namespace

ImportResult ImportCensus(const Policy& existing,
                          const std::vector<PackageId>& locked,
                          const std::vector<CensusPolicy>& census) {
  ImportResult out;
  out.policy = existing;
  for (const PackageId& id : locked) {
    if (id.source != "registry") continue;
    const std::string label = id.name + " " + id.version;
    std::string file;
    const PackageEntry* found = CensusEntry(id, census, &file);
    if (!found) {
      out.missing.push_back(label);
      continue;
    }
    if (HasEntry(existing, id.name)) {
      out.kept.push_back(label);
      continue;
    }
    PackageEntry entry = *found;
    entry.version_req = "=" + id.version;
    entry.source = "registry";
    entry.comment = "imported from " + file + ", not learned here: review";
    entry.where = {};
    out.policy.packages.push_back(std::move(entry));
    out.imported.push_back(label + " (" + file + ")");
  }
  return out;
}

}  // namespace warden
