#include "policy/check.h"

#include <optional>

#include "absl/status/statusor.h"
#include "policy/rule_kinds.h"
#include "policy/semver.h"

namespace warden {
namespace {

using policy_internal::ParseVersion;
using policy_internal::VersionReq;

bool Matches(const PackageEntry& entry, const PackageId& id) {
  if (entry.name != id.name) return false;
  if (!entry.source.empty() && entry.source != id.source) return false;
  if (entry.version_req.empty()) return true;
  absl::StatusOr<VersionReq> req = VersionReq::Parse(entry.version_req);
  std::optional<policy_internal::Version> v = ParseVersion(id.version);
  return req.ok() && v.has_value() && req->Matches(*v);
}

bool AnyMatch(const Policy& policy, const PackageId& id) {
  for (const PackageEntry& e : policy.packages)
    if (Matches(e, id)) return true;
  return false;
}

bool Named(const std::vector<PackageId>& ids, const std::string& name) {
  for (const PackageId& id : ids)
    if (id.name == name) return true;
  return false;
}

// EntryFindings: entries whose package is gone, or whose requirement no
// longer matches any locked version of it.
void EntryFindings(const PolicyCheckInputs& in, std::vector<CheckFinding>& out) {
  for (const PackageEntry& e : in.granted->packages) {
    if (!Named(in.locked, e.name)) {
      out.push_back({CheckKind::kStaleEntry, e.name, "", "not in Cargo.lock"});
      continue;
    }
    bool any = false;
    std::string versions;
    for (const PackageId& id : in.locked) {
      if (id.name != e.name) continue;
      any = any || Matches(e, id);
      versions += (versions.empty() ? "" : ", ") + id.version;
    }
    if (!any)
      out.push_back({CheckKind::kVersionMismatch, e.name, versions,
                     "\"" + e.version_req + "\" (source \"" + e.source +
                         "\") matches no locked version (" + versions + ")"});
  }
}

void DeclaredFindings(const PolicyCheckInputs& in, const PackageId& id,
                      std::vector<CheckFinding>& out) {
  bool declares = false;
  for (const PackageEntry& e : in.declared->packages)
    declares = declares || e.name == id.name;
  if (!declares) return;
  std::set<std::string> d = GrantLines(*in.declared, id.name);
  std::set<std::string> g = GrantLines(*in.granted, id.name);
  for (const std::string& line : d)
    if (!g.count(line))
      out.push_back({CheckKind::kDeclaredNotGranted, id.name, id.version, line});
  for (const std::string& line : g)
    if (!d.count(line))
      out.push_back({CheckKind::kGrantedNotDeclared, id.name, id.version, line});
}

}  // namespace

const char* CheckKindName(CheckKind kind) {
  switch (kind) {
    case CheckKind::kMissingEntry: return "missing-entry";
    case CheckKind::kStaleEntry: return "stale-entry";
    case CheckKind::kVersionMismatch: return "version-mismatch";
    case CheckKind::kDeclaredNotGranted: return "declared-not-granted";
    case CheckKind::kGrantedNotDeclared: return "granted-not-declared";
  }
  return "unknown";
}

const char* CheckKindHelp(CheckKind kind) {
  switch (kind) {
    case CheckKind::kMissingEntry:
      return "add an entry for the package under packages: in warden.yaml "
             "(`cargo warden learn` proposes one, `cargo warden init` a starting one)";
    case CheckKind::kStaleEntry:
      return "remove the entry: the package is no longer in Cargo.lock";
    case CheckKind::kVersionMismatch:
      return "review what the locked version's build script does (`cargo warden "
             "diff`), then update the entry's version requirement";
    case CheckKind::kDeclaredNotGranted:
      return "the package says its build script needs this: grant it in "
             "warden.yaml after review, or expect a denial";
    case CheckKind::kGrantedNotDeclared:
      return "warden.yaml grants more than the package declares: review "
             "whether the grant is still needed";
  }
  return "";
}

std::set<std::string> GrantLines(const Policy& policy, const std::string& name) {
  std::set<std::string> out;
  for (const PackageEntry& e : policy.packages) {
    if (e.name != name) continue;
    for (const std::string& p : e.profiles) out.insert("profile: " + p);
    for (const RuleKindInfo& spec : kRuleKinds)
      for (const Rule& r : e.*spec.rules)
        out.insert(std::string(spec.label) + ": " + r.value);
  }
  return out;
}

std::vector<CheckFinding> CheckPolicy(const PolicyCheckInputs& in) {
  std::vector<CheckFinding> out;
  for (const PackageId& id : in.build_scripts) {
    if (!AnyMatch(*in.granted, id))
      out.push_back({CheckKind::kMissingEntry, id.name, id.version,
                     "has a build script and no warden.yaml entry"});
    DeclaredFindings(in, id, out);
  }
  EntryFindings(in, out);
  return out;
}

}  // namespace warden
