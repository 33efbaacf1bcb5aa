#include "policy/matcher.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "policy/directives.h"
#include "policy/path.h"
#include "policy/pattern.h"
#include "policy/profiles.h"
#include "policy/rule_kinds.h"
#include "policy/semver.h"
#include "policy/syntax.h"

namespace warden {
namespace {

using policy_internal::ExpandPath;
using policy_internal::HostInRule;
using policy_internal::NetScheme;
using policy_internal::NetSpec;
using policy_internal::ParseNetRule;
using policy_internal::ParseNetTarget;
using policy_internal::PatternRoot;
using policy_internal::QuoteYaml;
using policy_internal::RuleKind;
using policy_internal::ValidateRule;
using policy_internal::Version;
using policy_internal::VersionReq;

absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

constexpr size_t kNoGrant = static_cast<size_t>(-1);
constexpr std::string_view kProcSelf = "/proc/self";

// ---- Glob matching ----

// SegmentMatch matches one component: '*' any run, '?' one character.
bool SegmentMatch(std::string_view pattern, std::string_view s) {
  size_t p = 0, i = 0, star = std::string_view::npos, resume = 0;
  while (i < s.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = i;
    } else if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == s[i])) {
      ++p;
      ++i;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// ComponentsMatch matches component lists, '**' standing for zero or more
// components; backtracks only to the last '**' (enough, as every other
// pattern component matches exactly one path component).
bool ComponentsMatch(std::string_view pattern, std::string_view path) {
  constexpr size_t kNone = std::string_view::npos;
  size_t p = 0, s = 0, star_p = kNone, star_s = 0;
  std::string_view pc, sc;
  while (true) {
    size_t s_next = s;
    if (!NextComponent(path, s_next, sc)) break;
    size_t p_next = p;
    bool has_p = NextComponent(pattern, p_next, pc);
    if (has_p && pc == "**") {
      star_p = p = p_next;
      star_s = s;
    } else if (has_p && SegmentMatch(pc, sc)) {
      p = p_next;
      s = s_next;
    } else if (star_p != kNone) {
      NextComponent(path, star_s, sc);
      s = star_s;
      p = star_p;
    } else {
      return false;
    }
  }
  while (NextComponent(pattern, p, pc))
    if (pc != "**") return false;
  return true;
}

bool IsComponentEnd(std::string_view s, size_t pos) {
  return pos == s.size() || s[pos] == '/';
}

bool StartsWithProcSelf(std::string_view pattern) {
  return pattern.substr(0, kProcSelf.size()) == kProcSelf &&
         IsComponentEnd(pattern, kProcSelf.size());
}

// ---- Roots ----

// RootOf is the directory (or file) below which everything an expanded
// pattern matches lies, also the literal start of every path it matches:
// "/proc/self/…" patterns match "/proc/<pid>/…" too, hence "/proc".
std::string RootOf(std::string_view pattern) {
  if (StartsWithProcSelf(pattern) || pattern.starts_with("/proc/thread-self/"))
    return "/proc";
  return PatternRoot(pattern);
}

// OutermostRoots sorts, dedupes and drops roots nested in other roots.
std::vector<std::string> OutermostRoots(std::vector<std::string> roots) {
  std::sort(roots.begin(), roots.end(),
            [](const std::string& a, const std::string& b) {
              return a.size() != b.size() ? a.size() < b.size() : a < b;
            });
  std::vector<std::string> kept;
  for (std::string& root : roots) {
    bool nested = std::any_of(kept.begin(), kept.end(), [&](const std::string& k) {
      return IsUnder(root, k);
    });
    if (!nested) kept.push_back(std::move(root));
  }
  std::sort(kept.begin(), kept.end());
  return kept;
}

// PathIndex holds expanded path patterns bucketed by their literal prefix,
// so a query only glob-matches patterns whose prefix the path starts with.
class PathIndex {
 public:
  void Add(std::string pattern, size_t grant) {
    size_t rule = rules_.size();
    std::string prefix = RootOf(pattern);
    rules_.push_back({std::move(pattern), grant});
    auto [it, inserted] = by_prefix_.try_emplace(prefix);
    it->second.push_back(rule);
    if (inserted) {
      prefix_lengths_.insert(std::upper_bound(prefix_lengths_.begin(),
                                              prefix_lengths_.end(),
                                              prefix.size()),
                             prefix.size());
    }
  }

  // Find returns the smallest grant index whose pattern matches, or kNoGrant.
  size_t Find(std::string_view path) const {
    size_t best = kNoGrant;
    for (size_t length : prefix_lengths_) {
      if (length > path.size()) break;
      auto it = by_prefix_.find(Absl(path.substr(0, length)));
      if (it == by_prefix_.end()) continue;
      for (size_t rule : it->second) {
        const auto& [pattern, grant] = rules_[rule];
        if (grant < best && GlobMatch(pattern, path)) best = grant;
      }
    }
    return best;
  }

  std::vector<std::string> Patterns() const {
    std::vector<std::string> patterns;
    for (const auto& [pattern, grant] : rules_) patterns.push_back(pattern);
    return patterns;
  }

 private:
  std::vector<std::pair<std::string, size_t>> rules_;
  absl::flat_hash_map<std::string, std::vector<size_t>> by_prefix_;
  std::vector<size_t> prefix_lengths_;  // sorted, distinct
};

struct NetRule {
  NetSpec spec;  // kUnix: spec.path expanded
  size_t grant;
};

// CompiledPolicy is the PackagePolicy built by CompilePackagePolicy. Grants
// are numbered in priority order (the package's own entries first, then
// defaults, profiles, baseline); a query reports the first that matches.
class CompiledPolicy final : public PackagePolicy {
 public:
  const Grant* Allows(Access access, std::string_view target,
                      std::string_view requested) const override;
  bool AllowsEnv(std::string_view name) const override;
  bool AllowsDirective(std::string_view key) const override;
  std::vector<std::string> Roots(Access access) const override;
  std::vector<std::string> Patterns(Access access) const override;
  bool Mentioned() const override { return mentioned_; }

  const policy_internal::DirectiveRules& directive_rules() const {
    return directives_;
  }

 private:
  friend class Compiler;

  size_t FindExec(std::string_view target, std::string_view requested) const;
  size_t FindNet(const std::vector<NetRule>& rules,
                 std::string_view target) const;
  const Grant* GrantAt(size_t index) const {
    return index == kNoGrant ? nullptr : &grants_[index];
  }

  std::vector<Grant> grants_;
  PathIndex read_;
  PathIndex write_;
  PathIndex exec_paths_;
  std::vector<std::pair<std::string, size_t>> exec_names_;
  absl::flat_hash_set<std::string> path_dirs_;
  std::vector<NetRule> connect_;
  std::vector<NetRule> bind_;
  std::vector<std::string> env_;
  policy_internal::DirectiveRules directives_;  // policy/directives.h
  std::vector<std::string> unix_roots_[2];  // connect, bind
  bool mentioned_ = false;
};

const Grant* CompiledPolicy::Allows(Access access, std::string_view target,
                                    std::string_view requested) const {
  switch (access) {
    case Access::kRead:
      return GrantAt(std::min(read_.Find(target), write_.Find(target)));
    case Access::kWrite:
      return GrantAt(write_.Find(target));
    case Access::kExec:
      return GrantAt(FindExec(target, requested));
    case Access::kConnect:
      return GrantAt(FindNet(connect_, target));
    case Access::kBind:
      return GrantAt(FindNet(bind_, target));
    case Access::kNone:
      return nullptr;
  }
  return nullptr;
}

size_t CompiledPolicy::FindExec(std::string_view target,
                                std::string_view requested) const {
  size_t best = exec_paths_.Find(target);
  if (!requested.empty()) best = std::min(best, exec_paths_.Find(requested));
  std::string_view named = requested.empty() ? target : requested;
  if (exec_names_.empty() || !path_dirs_.contains(Absl(Dirname(named))))
    return best;
  for (const auto& [name, grant] : exec_names_) {
    if (grant >= best) break;
    if (SegmentMatch(name, Basename(named)) ||
        SegmentMatch(name, Basename(target)))
      return grant;
  }
  return best;
}

size_t CompiledPolicy::FindNet(const std::vector<NetRule>& rules,
                               std::string_view target) const {
  std::optional<NetSpec> address = ParseNetTarget(target);
  if (!address) return kNoGrant;
  for (const NetRule& rule : rules) {
    if (rule.spec.scheme != address->scheme) continue;
    bool match = rule.spec.scheme == NetScheme::kUnix
                     ? GlobMatch(rule.spec.path, address->path)
                     : HostInRule(rule.spec, *address) &&
                           address->port_lo >= rule.spec.port_lo &&
                           address->port_lo <= rule.spec.port_hi;
    if (match) return rule.grant;
  }
  return kNoGrant;
}

bool CompiledPolicy::AllowsEnv(std::string_view name) const {
  return std::any_of(env_.begin(), env_.end(), [&](const std::string& pattern) {
    return SegmentMatch(pattern, name);
  });
}

// The directive kinds, and which need a grant, are known to
// policy/directives.cc alone; CheckDirective there also checks values.
bool CompiledPolicy::AllowsDirective(std::string_view key) const {
  return directives_.AllowsKey(key);
}

std::vector<std::string> CompiledPolicy::Roots(Access access) const {
  if (access == Access::kConnect) return OutermostRoots(unix_roots_[0]);
  if (access == Access::kBind) return OutermostRoots(unix_roots_[1]);
  std::vector<std::string> roots;
  bool names = false;
  for (const std::string& pattern : Patterns(access)) {
    if (pattern.find('/') == std::string::npos)
      names = true;  // a program name: what $PATH holds
    else
      roots.push_back(RootOf(pattern));
  }
  if (names) roots.insert(roots.end(), path_dirs_.begin(), path_dirs_.end());
  return OutermostRoots(std::move(roots));
}

std::vector<std::string> CompiledPolicy::Patterns(Access access) const {
  std::vector<std::string> patterns;
  switch (access) {
    case Access::kRead:
      patterns = read_.Patterns();
      for (std::string& p : write_.Patterns()) patterns.push_back(std::move(p));
      break;
    case Access::kWrite:
      patterns = write_.Patterns();
      break;
    case Access::kExec:
      patterns = exec_paths_.Patterns();
      for (const auto& [name, grant] : exec_names_) patterns.push_back(name);
      break;
    case Access::kConnect:
    case Access::kBind:
    case Access::kNone:
      break;
  }
  return patterns;
}

// ---- Compiling ----

// Describe names a rule in compile errors: its file position when it was
// read from a file, else "ring: read \"/x\"".
std::string Describe(std::string_view label, std::string_view key,
                     const Rule& rule) {
  if (rule.where.line > 0)
    return absl::StrCat(rule.where.file, ":", rule.where.line, ":",
                        rule.where.column);
  return absl::StrCat(Absl(label), ": ", Absl(key), " \"", rule.value, "\"");
}

// Compiler adds entries to a CompiledPolicy one access list at a time.
class Compiler {
 public:
  Compiler(const PathVars& vars, CompiledPolicy& out) : vars_(vars), out_(out) {
    for (const std::string& dir : vars.path_dirs)
      if (!dir.empty()) out_.path_dirs_.insert(NormalizePath(dir));
  }

  // AddEntry adds every grant of `entry` under `label` ("ring", "defaults",
  // "profile shell", "baseline"); `validate` checks user-written rules.
  absl::Status AddEntry(const PackageEntry& entry, std::string_view label,
                        bool validate);

  // MarkMentioned records that an entry of the policy names the package.
  void MarkMentioned() { out_.mentioned_ = true; }

 private:
  absl::Status AddRule(const RuleKindInfo& spec, const Rule& rule,
                       std::string_view label);
  size_t NewGrant(const Rule& rule, std::string_view label,
                  std::string_view key);
  void AddPath(const Rule& rule, std::string_view label, std::string_view key,
               PathIndex& index);
  void AddExec(const Rule& rule, std::string_view label);
  absl::Status AddNet(const Rule& rule, std::string_view label,
                      std::string_view key, std::vector<NetRule>& rules,
                      std::vector<std::string>& roots);

  const PathVars& vars_;
  CompiledPolicy& out_;
};

size_t Compiler::NewGrant(const Rule& rule, std::string_view label,
                          std::string_view key) {
  out_.grants_.push_back(
      Grant{rule.value, absl::StrCat(Absl(label), ": ", Absl(key))});
  return out_.grants_.size() - 1;
}

void Compiler::AddPath(const Rule& rule, std::string_view label,
                       std::string_view key, PathIndex& index) {
  std::optional<std::string> pattern = ExpandPath(rule.value, vars_);
  if (pattern) index.Add(std::move(*pattern), NewGrant(rule, label, key));
}

void Compiler::AddExec(const Rule& rule, std::string_view label) {
  if (rule.value.find('/') == std::string::npos) {
    out_.exec_names_.emplace_back(rule.value, NewGrant(rule, label, "exec"));
    return;
  }
  AddPath(rule, label, "exec", out_.exec_paths_);
}

absl::Status Compiler::AddRule(const RuleKindInfo& spec, const Rule& rule,
                               std::string_view label) {
  switch (spec.kind) {
    case RuleKind::kRead:
      AddPath(rule, label, spec.label, out_.read_);
      break;
    case RuleKind::kWrite:
      AddPath(rule, label, spec.label, out_.write_);
      break;
    case RuleKind::kExec:
      AddExec(rule, label);
      break;
    case RuleKind::kConnect:
      return AddNet(rule, label, spec.label, out_.connect_, out_.unix_roots_[0]);
    case RuleKind::kBind:
      return AddNet(rule, label, spec.label, out_.bind_, out_.unix_roots_[1]);
    case RuleKind::kEnv:
      out_.env_.push_back(rule.value);
      break;
    case RuleKind::kDirective:
      out_.directives_.Add(rule.value, vars_);
      break;
  }
  return absl::OkStatus();
}

absl::Status Compiler::AddNet(const Rule& rule, std::string_view label,
                              std::string_view key, std::vector<NetRule>& rules,
                              std::vector<std::string>& roots) {
  absl::StatusOr<NetSpec> spec = ParseNetRule(rule.value);
  if (!spec.ok()) return spec.status();
  if (spec->scheme == NetScheme::kUnix) {
    std::optional<std::string> path = ExpandPath(spec->path, vars_);
    if (!path) return absl::OkStatus();
    spec->path = std::move(*path);
    roots.push_back(RootOf(spec->path));
  }
  rules.push_back(NetRule{std::move(*spec), NewGrant(rule, label, key)});
  return absl::OkStatus();
}

absl::Status Compiler::AddEntry(const PackageEntry& entry,
                                std::string_view label, bool validate) {
  for (const RuleKindInfo& spec : kRuleKinds) {
    for (const Rule& rule : entry.*spec.rules) {
      absl::Status s =
          validate ? ValidateRule(spec.kind, rule.value) : absl::OkStatus();
      if (!s.ok())
        return absl::InvalidArgumentError(absl::StrCat(
            Describe(label, spec.key, rule), ": ", s.message()));
      if (s = AddRule(spec, rule, label); !s.ok()) return s;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> EntryMatches(const PackageEntry& entry,
                                  const PackageId& package,
                                  const std::optional<Version>& version) {
  if (entry.name != package.name) return false;
  if (!entry.source.empty() && entry.source != package.source) return false;
  if (entry.version_req.empty()) return true;
  absl::StatusOr<VersionReq> req = VersionReq::Parse(entry.version_req);
  if (!req.ok()) return req.status();
  return version.has_value() && req->Matches(*version);
}

absl::Status AddProfileNames(const PackageEntry& entry,
                             std::vector<std::string>& names) {
  for (const std::string& name : entry.profiles) {
    if (FindProfile(name) == nullptr)
      return absl::InvalidArgumentError(
          absl::StrCat(entry.name.empty() ? "defaults" : entry.name,
                       ": unknown profile \"", name, "\""));
    if (std::find(names.begin(), names.end(), name) == names.end())
      names.push_back(name);
  }
  return absl::OkStatus();
}

}  // namespace

namespace policy_internal {

const DirectiveRules* RulesOf(const PackagePolicy& policy) {
  const auto* compiled = dynamic_cast<const CompiledPolicy*>(&policy);
  return compiled == nullptr ? nullptr : &compiled->directive_rules();
}

}  // namespace policy_internal

bool GlobMatch(std::string_view pattern, std::string_view path) {
  if (pattern.empty() || path.empty() || pattern[0] != '/' || path[0] != '/')
    return false;
  if (size_t pid_end = ProcPidLength(path);
      pid_end != 0 && StartsWithProcSelf(pattern))
    return ComponentsMatch(pattern.substr(kProcSelf.size()),
                           path.substr(pid_end));
  return ComponentsMatch(pattern, path);
}

absl::StatusOr<std::unique_ptr<PackagePolicy>> CompilePackagePolicy(
    const Policy& policy, const PackageId& package, const PathVars& vars) {
  auto compiled = std::make_unique<CompiledPolicy>();
  Compiler compiler(vars, *compiled);
  std::optional<Version> version = policy_internal::ParseVersion(package.version);
  std::vector<std::string> profiles;
  for (const PackageEntry& entry : policy.packages) {
    absl::StatusOr<bool> matches = EntryMatches(entry, package, version);
    if (!matches.ok()) return matches.status();
    if (!*matches) continue;
    compiler.MarkMentioned();
    if (absl::Status s = compiler.AddEntry(entry, entry.name, true); !s.ok())
      return s;
    if (absl::Status s = AddProfileNames(entry, profiles); !s.ok()) return s;
  }
  if (absl::Status s = compiler.AddEntry(policy.defaults, "defaults", true);
      !s.ok())
    return s;
  if (absl::Status s = AddProfileNames(policy.defaults, profiles); !s.ok())
    return s;
  for (const std::string& name : profiles)
    if (absl::Status s = compiler.AddEntry(*FindProfile(name),
                                           absl::StrCat("profile ", name), false);
        !s.ok())
      return s;
  if (absl::Status s = compiler.AddEntry(BaselineProfile(), "baseline", false);
      !s.ok())
    return s;
  return std::unique_ptr<PackagePolicy>(std::move(compiled));
}

std::string SuggestRule(const Event& event, const PathVars& vars) {
  if (event.detail == kOtherProcess) {
    const auto pattern = OtherProcessPattern(event.target);
    return pattern ? absl::StrCat("read: \"", *pattern, "\"") : "";
  }
  Access access = AccessOf(event.op);
  std::optional<std::string> value;
  switch (access) {
    case Access::kRead:
    case Access::kWrite:
    case Access::kExec:
      value = PathToPattern(event.target, vars, access);
      break;
    case Access::kConnect:
    case Access::kBind:
      value = NetTargetToPattern(event.target, vars);
      break;
    case Access::kNone:
      break;
  }
  // No rule can name the root, a relative path or an abstract socket.
  if (!value) return "";
  return absl::StrCat(Absl(AccessName(access)), ": ", QuoteYaml(*value));
}

}  // namespace warden
