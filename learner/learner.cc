// ProposePolicy: observations → one generalised warden.yaml entry per package.
//
// Per package, in two passes over its observations:
//  1. the baseline (an empty policy compiled for the run) tells which execs it
//     does not already allow; those pick the shipped profiles;
//  2. the entry with those profiles is compiled for each run, and every
//     successful access it still does not allow becomes a grant candidate,
//     with variables put back.
// The candidates of all runs are then grouped (learner/generalize.h).
#include "learner/learner.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "learner/generalize.h"
#include "policy/directives.h"
#include "policy/path.h"
#include "policy/pattern.h"
#include "policy/profiles.h"

namespace warden {
namespace {

using learner_internal::Absorb;
using learner_internal::GroupPaths;
using learner_internal::GroupInstallTrees;
using learner_internal::GroupPrograms;
using learner_internal::Hits;

// IsBuildScript says whether an exec is of the build-script binary itself:
// {target_dir}/<profile>/build/<pkg>-<hash>/build-script-<name>.
bool IsBuildScript(std::string_view program) {
  return Basename(program).starts_with("build-script-") &&
         Basename(Dirname(Dirname(program))) == "build";
}

// Need is one (access, target) pair an event needs: a rename needs write
// access to both its source and its destination.
struct Need {
  Access access;
  std::string_view target;
};

// NeedsOf lists what a successful, allowed event needs; failures, denied
// events, non-grantable ops, held objects and the build script's own exec
// need nothing.
std::vector<Need> NeedsOf(const Event& event) {
  const Access access = AccessOf(event.op);
  if (event.error != 0 || !event.allowed || access == Access::kNone ||
      (access == Access::kExec && IsBuildScript(event.target))) {
    return {};
  }
  // Files need absolute paths; "pipe:" and the like are objects the tree
  // already held (cargo's jobserver reopened through /proc/self/fd), which
  // the supervisor allows without a policy.
  bool file = access == Access::kRead || access == Access::kWrite ||
              access == Access::kExec;
  if (file && (event.target.empty() || event.target[0] != '/')) return {};
  std::vector<Need> needs = {{access, event.target}};
  if (event.op == Op::kRename) needs.push_back({access, event.detail});
  return needs;
}

// Compiled is a package policy compiled for one run, with that run's
// variables for writing rules. A policy that fails to compile allows
// nothing, so every access becomes a grant rather than being lost.
class Compiled {
 public:
  Compiled(const Policy& policy, const Observation& obs) : vars_(&obs.vars) {
    auto compiled = CompilePackagePolicy(policy, obs.package, obs.vars);
    if (!compiled.ok()) compiled = CompilePackagePolicy(Policy{}, obs.package, obs.vars);
    if (compiled.ok()) policy_ = *std::move(compiled);
  }

  // Allows asks with the target as the requested path too: the event keeps
  // only the path the program was executed by.
  bool Allows(const Need& need) const {
    return policy_ != nullptr &&
           policy_->Allows(need.access, need.target, need.target) != nullptr;
  }

  // CheckDirective decides a directive the script printed (see
  // policy/directives.h); its `rule` and `reads` say what would allow it.
  DirectiveVerdict CheckDirective(const ParsedDirective& directive) const {
    if (policy_ == nullptr) return DirectiveVerdict{};
    return warden::CheckDirective(*policy_, directive);
  }

  bool AllowsEnv(std::string_view name) const {
    return policy_ != nullptr && policy_->AllowsEnv(name);
  }

  // RuleValue is how a grant for `need` is written (policy/pattern.h);
  // nullopt when no rule can name it.
  std::optional<std::string> RuleValue(const Need& need) const {
    switch (need.access) {
      case Access::kExec:
        return ProgramToPattern(need.target, *vars_);
      case Access::kRead:
      case Access::kWrite:
        return PathToPattern(need.target, *vars_);
      default:
        return NetTargetToPattern(need.target, *vars_);
    }
  }

 private:
  const PathVars* vars_;
  std::unique_ptr<PackagePolicy> policy_;
};

// Learned is what all runs of one package add up to.
struct Learned {
  std::string name;
  std::set<std::string> sources;
  int runs = 0;
  uint64_t events = 0;
  std::set<std::string> profiles;
  std::map<Access, Hits> grants;
  std::set<std::string> env;
  std::set<std::string> directives;
};

// ProfileEntry is the entry for a learned package with its profiles and no
// grants yet. Runs from different sources share one entry (warden.yaml keys
// entries by name), which then names no source.
PackageEntry ProfileEntry(const Learned& learned) {
  PackageEntry entry;
  entry.name = learned.name;
  if (learned.sources.size() == 1) entry.source = *learned.sources.begin();
  entry.profiles.assign(learned.profiles.begin(), learned.profiles.end());
  return entry;
}

// NoteProfiles adds the profiles covering the execs of `obs` that the
// baseline does not allow.
void NoteProfiles(const Observation& obs, Learned& learned) {
  const Compiled baseline(Policy{}, obs);
  for (const Event& event : obs.events) {
    for (const Need& need : NeedsOf(event)) {
      if (need.access != Access::kExec || baseline.Allows(need)) continue;
      if (const auto profile = ProfileForProgram(need.target)) {
        learned.profiles.emplace(*profile);
      }
    }
  }
}

// NoteGrants adds what `obs` did that the entry with the learned profiles
// does not allow yet.
void NoteGrants(const Observation& obs, Learned& learned) {
  Policy policy;
  policy.packages.push_back(ProfileEntry(learned));
  const Compiled compiled(policy, obs);

  // Distinct requests, not how often each was repeated: repeats vary with
  // scheduling (make -j, cargo's jobserver), and warden.yaml must not.
  ++learned.runs;
  // Other processes' /proc: enforce refuses all but a few of these whatever
  // the policy says: propose only those, by the one pattern that can allow
  // them, counted once: how many processes the machine runs varies.
  std::set<std::string> other_processes;
  for (const Event& event : obs.events) {
    if (event.detail == kOtherProcess) {
      if (const auto pattern = OtherProcessPattern(event.target))
        other_processes.insert(*pattern);
      continue;
    }
    ++learned.events;
    for (const Need& need : NeedsOf(event)) {
      if (compiled.Allows(need)) continue;
      if (const auto value = compiled.RuleValue(need))
        ++learned.grants[need.access][*value];
    }
  }
  for (const std::string& pattern : other_processes) {
    ++learned.events;
    ++learned.grants[Access::kRead][pattern];
  }
  for (const std::string& name : obs.env_used) {
    if (!compiled.AllowsEnv(name)) learned.env.insert(name);
  }
  // Only directives that change how other code is compiled or linked need a
  // grant ("rustc-link-arg"); "rerun-if-changed" and metadata do not. Link
  // arguments and rustc-flags are granted with their exact value, dangerous
  // rustc-env names by name, WARDEN_* never; library search paths the
  // package may not read become read grants.
  for (const Directive& directive : obs.directives) {
    const ParsedDirective parsed =
        DirectiveFromStored(directive.key, directive.value);
    if (AlwaysDropped(parsed)) continue;
    const DirectiveVerdict verdict = compiled.CheckDirective(parsed);
    if (verdict.allowed || verdict.rule.empty()) continue;
    learned.directives.insert(verdict.rule);
    for (const std::string& rule : verdict.also) learned.directives.insert(rule);
    // Search paths the package may not read: granted as themselves, with
    // variables put back ("rustc-link-search={target_dir}").
    for (const std::string& path : verdict.search_paths) {
      learned.directives.erase(SearchPathRule(path, PathVars{}));
      learned.directives.insert(SearchPathRule(path, obs.vars));
    }
  }
}

// EnvRules turns variable names into rules, leaving out names a glob among
// them already covers.
std::set<std::string> EnvRules(const std::set<std::string>& names) {
  std::set<std::string> rules;
  for (const std::string& name : names) {
    if (auto rule = EnvNameToPattern(name)) rules.insert(*std::move(rule));
  }
  auto covered = [&](const std::string& rule) {
    return std::any_of(rules.begin(), rules.end(), [&](std::string_view glob) {
      return glob != rule && glob.ends_with('*') &&
             rule.starts_with(glob.substr(0, glob.size() - 1));
    });
  };
  std::set<std::string> kept;
  std::copy_if(rules.begin(), rules.end(), std::inserter(kept, kept.end()),
               [&](const std::string& rule) { return !covered(rule); });
  return kept;
}

std::string Plural(uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

Rule MakeRule(const std::string& value, std::string comment = "") {
  Rule rule;
  rule.value = value;
  rule.comment = std::move(comment);
  return rule;
}

std::vector<Rule> CountedRules(const Hits& hits) {
  std::vector<Rule> rules;
  for (const auto& [value, count] : hits) {
    rules.push_back(MakeRule(value, Plural(count, "access", "accesses")));
  }
  return rules;
}

std::vector<Rule> PlainRules(const std::set<std::string>& values) {
  std::vector<Rule> rules;
  for (const std::string& value : values) rules.push_back(MakeRule(value));
  return rules;
}

PackageEntry MakeEntry(Learned& learned) {
  PackageEntry entry = ProfileEntry(learned);
  entry.comment = "learned from " + Plural(learned.runs, "run", "runs") + ", " +
                  Plural(learned.events, "event", "events");
  Hits writes = GroupPaths(learned.grants[Access::kWrite]);
  Hits reads = learned.grants[Access::kRead];
  Hits programs = learned.grants[Access::kExec];
  GroupInstallTrees(reads, programs);
  entry.read = CountedRules(Absorb(GroupPaths(reads), writes));
  entry.write = CountedRules(writes);
  entry.exec = CountedRules(GroupPrograms(programs));
  entry.connect = CountedRules(learned.grants[Access::kConnect]);
  entry.bind = CountedRules(learned.grants[Access::kBind]);
  entry.env = PlainRules(EnvRules(learned.env));
  entry.directives = PlainRules(learned.directives);
  return entry;
}

}  // namespace

Policy ProposePolicy(const std::vector<Observation>& observations) {
  std::map<std::string, Learned> packages;
  for (const Observation& obs : observations) {
    Learned& learned = packages[obs.package.name];
    learned.name = obs.package.name;
    learned.sources.insert(obs.package.source);
    NoteProfiles(obs, learned);
  }
  for (const Observation& obs : observations) {
    NoteGrants(obs, packages[obs.package.name]);
  }
  Policy policy;
  for (auto& [key, learned] : packages) {
    policy.packages.push_back(MakeEntry(learned));
  }
  return policy;
}

}  // namespace warden
