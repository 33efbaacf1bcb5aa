#include "learner/contained.h"

#include <map>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/contained.h"
#include "policy/matcher.h"
#include "policy/rule_kinds.h"

namespace warden {
namespace {

using Reasons = std::set<std::string>;

PackageEntry* EntryFor(Policy& policy, const std::string& name) {
  for (PackageEntry& entry : policy.packages)
    if (entry.name == name) return &entry;
  return nullptr;
}

// RuleFor finds the rule of `entry` that `grant` is (its origin reads
// "NAME: KEY"); nullptr when a profile grants it.
Rule* RuleFor(PackageEntry& entry, const Grant& grant) {
  for (const RuleKindInfo& kind : kRuleKinds) {
    if (grant.origin != entry.name + ": " + std::string(kind.key)) continue;
    for (Rule& rule : entry.*kind.rules)
      if (rule.value == grant.rule) return &rule;
  }
  return nullptr;
}

void MarkForReview(std::string& comment, const Reasons& reasons) {
  std::string mark = absl::StrCat("needs review: ", absl::StrJoin(reasons, ", "));
  comment = comment.empty() ? mark : absl::StrCat(mark, "; ", comment);
}

}  // namespace

std::vector<ContainedDenial> ContainedDenials(
    const std::vector<Observation>& observations,
    const std::vector<std::string>& warden_files) {
  using Key = std::tuple<std::string, std::string, Op, std::string,
                         std::string, int>;
  std::set<Key> seen;
  std::vector<ContainedDenial> denials;
  for (const Observation& obs : observations) {
    for (const Event& event : obs.events) {
      const auto reason = ContainmentDenial(event, obs.vars, warden_files);
      if (!reason ||
          !seen.emplace(obs.package.name, obs.package.version, event.op,
                        event.target, event.detail, obs.exit_status)
               .second)
        continue;
      denials.push_back({obs.package, event, std::string(*reason),
                         SuggestRule(event, obs.vars), obs.exit_status});
    }
  }
  return denials;
}

Policy ProposeReviewed(std::vector<Observation> observations,
                       const std::vector<std::string>& compile_reads,
                       const PathVars& vars,
                       const std::vector<std::string>& warden_files) {
  // Per observation, the events the fence refused, now counted as allowed.
  std::vector<std::vector<std::pair<size_t, std::string_view>>> admitted(
      observations.size());
  for (size_t i = 0; i < observations.size(); ++i) {
    Observation& obs = observations[i];
    for (size_t j = 0; j < obs.events.size(); ++j) {
      if (const auto reason =
              ContainmentDenial(obs.events[j], obs.vars, warden_files)) {
        obs.events[j].allowed = true;
        obs.events[j].error = 0;  // warden's answer (ENOENT), not the file's
        admitted[i].emplace_back(j, *reason);
      }
    }
  }
  Policy proposed = ProposeRunPolicy(observations, compile_reads, vars);
  // Which rule grants each admitted event: ask the proposal, compiled for
  // the run that was refused it.
  std::map<Rule*, Reasons> rules;
  std::map<PackageEntry*, Reasons> entries;
  for (size_t i = 0; i < observations.size(); ++i) {
    if (admitted[i].empty()) continue;
    const Observation& obs = observations[i];
    PackageEntry* entry = EntryFor(proposed, obs.package.name);
    auto compiled = CompilePackagePolicy(proposed, obs.package, obs.vars);
    if (entry == nullptr || !compiled.ok()) continue;
    for (const auto& [j, reason] : admitted[i]) {
      const Event& e = obs.events[j];
      const Grant* grant = (*compiled)->Allows(AccessOf(e.op), e.target, e.target);
      if (grant == nullptr) continue;  // e.g. failed: nothing proposed
      if (Rule* rule = RuleFor(*entry, *grant))
        rules[rule].emplace(reason);
      else
        entries[entry].emplace(reason);
    }
  }
  for (auto& [rule, reasons] : rules) MarkForReview(rule->comment, reasons);
  for (auto& [entry, reasons] : entries) MarkForReview(entry->comment, reasons);
  return proposed;
}

}  // namespace warden
