#include "policy/yaml.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "policy/rule_kinds.h"
#include "policy/yaml_internal.h"

namespace warden {
namespace {

using policy_internal::EntryKey;

void MergeRules(std::vector<Rule>& into, const std::vector<Rule>& extra) {
  absl::flat_hash_map<std::string, size_t> index;
  for (size_t i = 0; i < into.size(); ++i) index.emplace(into[i].value, i);
  for (const Rule& rule : extra) {
    auto [it, inserted] = index.emplace(rule.value, into.size());
    if (inserted) {
      into.push_back(rule);
      continue;
    }
    Rule& kept = into[it->second];
    if (kept.reason.empty()) kept.reason = rule.reason;
    if (kept.comment.empty()) kept.comment = rule.comment;
  }
}

void MergeEntry(PackageEntry& into, const PackageEntry& extra) {
  for (const std::string& name : extra.profiles)
    if (std::find(into.profiles.begin(), into.profiles.end(), name) ==
        into.profiles.end())
      into.profiles.push_back(name);
  for (const RuleKindInfo& spec : kRuleKinds)
    MergeRules(into.*spec.rules, extra.*spec.rules);
  if (into.reason.empty()) into.reason = extra.reason;
  if (into.comment.empty()) into.comment = extra.comment;
}

}  // namespace

Policy MergePolicies(const Policy& base, const Policy& extra) {
  Policy merged = base;
  MergeEntry(merged.defaults, extra.defaults);
  MergeEntry(merged.compile, extra.compile);
  for (const PackageEntry& entry : extra.packages) {
    auto same = [&](const PackageEntry& e) {
      return EntryKey(e) == EntryKey(entry);
    };
    auto it = std::find_if(merged.packages.begin(), merged.packages.end(), same);
    if (it == merged.packages.end()) {
      merged.packages.push_back(entry);
    } else {
      MergeEntry(*it, entry);
    }
  }
  return merged;
}

}  // namespace warden
