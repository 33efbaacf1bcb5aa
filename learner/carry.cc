#include "learner/carry.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>

namespace warden {
namespace {

using Key = std::tuple<std::string, std::string, std::string>;

Key KeyOf(const InvocationRecord& inv) {
  return {inv.package, inv.version, inv.source};
}

}  // namespace

std::vector<InvocationRecord> CarriedInvocations(
    const std::vector<InvocationRecord>& latest,
    const std::vector<InvocationRecord>& ran,
    const std::vector<PackageId>& locked) {
  std::set<Key> wanted;
  for (const PackageId& p : locked) wanted.insert({p.name, p.version, p.source});
  for (const InvocationRecord& inv : ran) wanted.erase(KeyOf(inv));
  // Newest run per package version, by run id: ids grow with each run, while
  // clocks may step back.
  std::map<Key, int64_t> newest_run;
  for (const InvocationRecord& inv : latest) {
    if (!wanted.count(KeyOf(inv))) continue;
    int64_t& run = newest_run[KeyOf(inv)];
    run = std::max(run, inv.run_id);
  }
  std::vector<InvocationRecord> carried;
  for (const InvocationRecord& inv : latest) {
    auto it = newest_run.find(KeyOf(inv));
    if (it != newest_run.end() && it->second == inv.run_id) carried.push_back(inv);
  }
  return carried;
}

std::vector<CompileFinding> CarriedCompileFindings(
    const std::vector<CompileRun>& newest_first,
    const std::vector<PackageId>& locked) {
  std::set<std::pair<std::string, std::string>> wanted, taken;
  for (const PackageId& id : locked) wanted.insert({id.name, id.version});
  std::vector<CompileFinding> out;
  for (const CompileRun& run : newest_first) {
    std::set<std::pair<std::string, std::string>> here = run.compiled;
    for (const CompileFinding& f : run.findings) here.insert({f.package, f.version});
    for (const CompileFinding& f : run.findings) {
      std::pair<std::string, std::string> key{f.package, f.version};
      if (wanted.count(key) && !taken.count(key)) out.push_back(f);
    }
    for (const auto& key : here)
      if (wanted.count(key)) taken.insert(key);
  }
  return out;
}

}  // namespace warden
