#include "policy/directives.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "policy/path.h"
#include "policy/pattern.h"
#include "policy/syntax.h"
#include "policy/utf8.h"

namespace warden {
namespace {

using policy_internal::CharLength;
using policy_internal::ExpandPath;
using policy_internal::IsWardenEnvName;
using policy_internal::IsWhiteSpace;
using policy_internal::Trim;
using policy_internal::TrimEnd;
using policy_internal::TrimStart;
using policy_internal::Utf8Length;
using policy_internal::ValidUtf8;

absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

// ---- Keys ----

struct KeyKind {
  std::string_view key;
  DirectiveKind kind;
};

// kReservedKeys are the keys cargo 1.95 reads in the old "cargo:KEY=" syntax
// (RESERVED_PREFIXES); every other old-syntax key is metadata. Older cargos
// matched the same keys (and no others) the same way.
constexpr KeyKind kReservedKeys[] = {
    {"rustc-flags", DirectiveKind::kRustcFlags},
    {"rustc-link-lib", DirectiveKind::kRustcLinkLib},
    {"rustc-link-search", DirectiveKind::kRustcLinkSearch},
    {"rustc-link-arg-cdylib", DirectiveKind::kRustcCdylibLinkArg},
    {"rustc-cdylib-link-arg", DirectiveKind::kRustcCdylibLinkArg},
    {"rustc-link-arg-bins", DirectiveKind::kRustcLinkArgBins},
    {"rustc-link-arg-bin", DirectiveKind::kRustcLinkArgBin},
    {"rustc-link-arg-tests", DirectiveKind::kRustcLinkArgTests},
    {"rustc-link-arg-benches", DirectiveKind::kRustcLinkArgBenches},
    {"rustc-link-arg-examples", DirectiveKind::kRustcLinkArgExamples},
    {"rustc-link-arg", DirectiveKind::kRustcLinkArg},
    {"rustc-cfg", DirectiveKind::kRustcCfg},
    {"rustc-check-cfg", DirectiveKind::kRustcCheckCfg},
    {"rustc-env", DirectiveKind::kRustcEnv},
    {"warning", DirectiveKind::kWarning},
    {"rerun-if-changed", DirectiveKind::kRerunIfChanged},
    {"rerun-if-env-changed", DirectiveKind::kRerunIfEnvChanged},
};

std::optional<DirectiveKind> ReservedKind(std::string_view key) {
  for (const KeyKind& k : kReservedKeys)
    if (k.key == key) return k.kind;
  return std::nullopt;
}

// NewSyntaxKind: "cargo::KEY=" knows the reserved keys, error and metadata.
DirectiveKind NewSyntaxKind(std::string_view key) {
  if (std::optional<DirectiveKind> kind = ReservedKind(key)) return *kind;
  if (key == "error") return DirectiveKind::kError;
  if (key == "metadata") return DirectiveKind::kMetadata;
  return DirectiveKind::kUnknown;
}

bool IsCdylibKey(std::string_view key) {
  return key == "rustc-cdylib-link-arg" || key == "rustc-link-arg-cdylib";
}

// SameKey: the two spellings of the cdylib link argument are one key.
bool SameKey(std::string_view a, std::string_view b) {
  return a == b || (IsCdylibKey(a) && IsCdylibKey(b));
}

// ---- rustc-env ----
// (The dangerous names, with reasons: directives_env.cc.)

// EnvName is NAME of a rustc-env value "NAME=VALUE".
std::string_view EnvName(std::string_view value) {
  return value.substr(0, value.find('='));
}

// ---- Link search paths ----

// kDefaultLibDirs are searched by the linker anyway: "-L" of one adds
// nothing, whether or not the build script may read it.
constexpr std::string_view kDefaultLibDirs[] = {
    "/lib",
    "/lib64",
    "/usr/lib",
    "/usr/lib64",
    "/usr/local/lib",
    "/usr/local/lib64",
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/local/lib/x86_64-linux-gnu",
    "/lib/aarch64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
};

// SearchPath strips rustc's "KIND=" from a -L / link-search value.
std::string_view SearchPath(std::string_view value) {
  for (std::string_view kind :
       {"dependency=", "crate=", "native=", "framework=", "all="}) {
    if (value.starts_with(kind)) return value.substr(kind.size());
  }
  return value;
}

// NormalSearchPath is `path` with repeated and trailing '/' dropped, or
// nullopt when it is relative or has '.' or '..' components (where it points
// depends on rustc's working directory or on symlinks: never granted).
std::optional<std::string> NormalSearchPath(std::string_view path) {
  if (path.empty() || path[0] != '/') return std::nullopt;
  std::string out;
  for (std::string_view component : SplitPath(path)) {
    if (component == "." || component == "..") return std::nullopt;
    absl::StrAppend(&out, "/", Absl(component));
  }
  return out.empty() ? "/" : out;
}

// RustcFlagsSearchPaths lists the -L values of a rustc-flags value, split as
// cargo does (Unicode whitespace; "-Lx" or "-L x").
std::vector<std::string_view> RustcFlagsSearchPaths(std::string_view value) {
  std::vector<std::string_view> words;
  std::string_view rest = Trim(value);
  while (!rest.empty()) {
    rest = TrimStart(rest);
    size_t end = 0;
    uint32_t cp;
    while (end < rest.size()) {
      size_t n = Utf8Length(rest, end, cp);
      if (n == 0) n = 1;
      else if (IsWhiteSpace(cp)) break;
      end += n;
    }
    if (end > 0) words.push_back(rest.substr(0, end));
    rest = rest.substr(end);
  }
  std::vector<std::string_view> paths;
  for (size_t i = 0; i < words.size(); ++i) {
    std::string_view word = words[i];
    // cargo refuses anything but -l and -L, failing the build.
    if (!word.starts_with("-L") && !word.starts_with("-l")) continue;
    std::string_view flag_value = word.substr(2);
    if (flag_value.empty()) {
      if (i + 1 >= words.size()) break;
      flag_value = words[++i];
    }
    if (word.starts_with("-L")) paths.push_back(flag_value);
  }
  return paths;
}

// ---- Grants ----

// Grants answers the questions CheckDirective asks of a package's
// `directives:` entries.
class Grants {
 public:
  explicit Grants(const PackagePolicy& policy)
      : policy_(policy), rules_(policy_internal::RulesOf(policy)) {}

  // ByName: an entry without a value pattern whose key glob covers `key`.
  bool ByName(std::string_view key) const {
    if (rules_ == nullptr) return policy_.AllowsDirective(key);
    return std::any_of(rules_->entries().begin(), rules_->entries().end(),
                       [&](const auto& e) {
                         return !e.has_pattern &&
                                (SameKey(e.key, key) ||
                                 DirectivePatternMatch(e.key, key));
                       });
  }

  // ByExactName: an entry that is exactly `key` (any value).
  bool ByExactName(std::string_view key) const {
    if (rules_ == nullptr) return policy_.AllowsDirective(key);
    return std::any_of(rules_->entries().begin(), rules_->entries().end(),
                       [&](const auto& e) {
                         return !e.has_pattern && SameKey(e.key, key);
                       });
  }

  // ByPattern: a "KEY=PATTERN" entry for `key` whose pattern matches
  // `subject`.
  bool ByPattern(std::string_view key, std::string_view subject) const {
    if (rules_ == nullptr) return false;
    return std::any_of(rules_->entries().begin(), rules_->entries().end(),
                       [&](const auto& e) {
                         return e.has_pattern && SameKey(e.key, key) &&
                                DirectivePatternMatch(e.pattern, subject);
                       });
  }

  // ByLiteral: a "KEY=TEXT" entry whose pattern is exactly `text`.
  bool ByLiteral(std::string_view key, std::string_view text) const {
    if (rules_ == nullptr) return false;
    return std::any_of(rules_->entries().begin(), rules_->entries().end(),
                       [&](const auto& e) {
                         return e.has_pattern && SameKey(e.key, key) &&
                                e.pattern == text;
                       });
  }

 private:
  const PackagePolicy& policy_;
  const policy_internal::DirectiveRules* rules_;
};

// SearchPathOk: the linker may search `path` (normalised, absolute): a
// default directory, one the package may read, or one a
// "rustc-link-search=PATTERN" entry grants.
bool SearchPathOk(const PackagePolicy& policy, const Grants& grants,
                  const std::string& path) {
  return std::find(std::begin(kDefaultLibDirs), std::end(kDefaultLibDirs),
                   path) != std::end(kDefaultLibDirs) ||
         policy.Allows(Access::kRead, path) != nullptr ||
         grants.ByPattern("rustc-link-search", path);
}

std::string BadSearchPath(std::string_view value) {
  return absl::StrCat("library search path \"", Absl(value),
                      "\" is not an absolute path without '.' or '..' "
                      "components");
}

DirectiveVerdict CheckLinkSearch(const PackagePolicy& policy,
                                 const Grants& grants,
                                 const ParsedDirective& d) {
  DirectiveVerdict verdict;
  std::optional<std::string> path = NormalSearchPath(SearchPath(d.value));
  if (!path) {
    verdict.reason = BadSearchPath(d.value);
    return verdict;
  }
  if (grants.ByPattern(d.key, *path)) {
    verdict.allowed = true;
    verdict.reason = "granted";
    return verdict;
  }
  bool named = grants.ByName(d.key);
  bool searchable = SearchPathOk(policy, grants, *path);
  verdict.allowed = named && searchable;
  if (verdict.allowed) {
    verdict.reason = "granted";
  } else if (!searchable) {
    verdict.rule = SearchPathRule(*path, PathVars{});
    verdict.search_paths.push_back(*path);
    verdict.reason = absl::StrCat("library search path ", *path,
                                  " is neither readable by the package nor "
                                  "granted");
  } else {
    verdict.rule = d.key;
    verdict.reason = absl::StrCat(d.key, " is not granted");
  }
  return verdict;
}

DirectiveVerdict CheckEnv(const Grants& grants, const ParsedDirective& d) {
  DirectiveVerdict verdict;
  std::string_view name = EnvName(d.value);
  if (IsWardenEnvName(name)) {
    verdict.reason = absl::StrCat(
        "rustc-env=", Absl(name),
        ": WARDEN_* variables steer warden itself and are never allowed");
    return verdict;
  }
  if (std::string_view why = DangerousEnvReason(name); !why.empty()) {
    verdict.rule = absl::StrCat("rustc-env=", Absl(name));
    verdict.allowed = grants.ByLiteral(d.key, name);
    verdict.reason =
        verdict.allowed
            ? absl::StrCat("granted by \"", verdict.rule, "\"")
            : absl::StrCat("rustc-env=", Absl(name), ": ", Absl(why),
                           "; only \"", verdict.rule, "\" grants it");
    return verdict;
  }
  verdict.rule = "rustc-env";
  verdict.allowed = grants.ByName(d.key) || grants.ByPattern(d.key, name);
  verdict.reason = verdict.allowed
                       ? "granted"
                       : absl::StrCat("rustc-env=", Absl(name), " not granted");
  return verdict;
}

}  // namespace

// ---- Public ----

std::optional<ParsedDirective> ParseDirectiveLine(std::string_view line) {
  if (!ValidUtf8(line)) return std::nullopt;
  line = Trim(line);
  ParsedDirective d;
  std::string_view data;
  if (line.starts_with("cargo::")) {
    d.new_syntax = true;
    data = line.substr(7);
  } else if (line.starts_with("cargo:")) {
    data = line.substr(6);
  } else {
    return std::nullopt;
  }
  size_t eq = data.find('=');
  std::string_view key = data.substr(0, eq);
  // Without '=' cargo fails the build.
  if (eq == std::string_view::npos) return std::nullopt;
  std::optional<DirectiveKind> kind =
      d.new_syntax ? NewSyntaxKind(key) : ReservedKind(key);
  if (!kind) {  // old-syntax metadata "cargo:K=V"
    d.kind = DirectiveKind::kMetadata;
    d.key = "metadata";
    d.value = std::string(data);
    return d;
  }
  d.kind = *kind;
  d.key = std::string(key);
  d.value = std::string(TrimEnd(data.substr(eq + 1)));
  return d;
}

DirectiveKind KindOfKey(std::string_view key) {
  DirectiveKind kind = NewSyntaxKind(key);
  if (kind != DirectiveKind::kUnknown) return kind;
  return key.starts_with("rustc-") ? DirectiveKind::kUnknown
                                   : DirectiveKind::kMetadata;
}

ParsedDirective DirectiveFromStored(std::string_view key,
                                    std::string_view value) {
  ParsedDirective d;
  d.kind = KindOfKey(key);
  d.key = std::string(key);
  d.value = std::string(value);
  if (d.kind == DirectiveKind::kMetadata && key != "metadata") {
    d.key = "metadata";
    d.value = absl::StrCat(Absl(key), "=", Absl(value));
  }
  return d;
}

bool NeedsGrant(DirectiveKind kind) {
  switch (kind) {
    case DirectiveKind::kWarning:
    case DirectiveKind::kError:
    case DirectiveKind::kRerunIfChanged:
    case DirectiveKind::kRerunIfEnvChanged:
    case DirectiveKind::kMetadata:
    case DirectiveKind::kRustcCheckCfg:
      return false;
    default:
      return true;
  }
}

bool ValueChecked(DirectiveKind kind) {
  switch (kind) {
    case DirectiveKind::kRustcFlags:
    case DirectiveKind::kRustcLinkArg:
    case DirectiveKind::kRustcLinkArgBins:
    case DirectiveKind::kRustcLinkArgBin:
    case DirectiveKind::kRustcLinkArgTests:
    case DirectiveKind::kRustcLinkArgExamples:
    case DirectiveKind::kRustcLinkArgBenches:
    case DirectiveKind::kRustcCdylibLinkArg:
      return true;
    default:
      return false;
  }
}

bool AlwaysDropped(const ParsedDirective& d) {
  return d.kind == DirectiveKind::kRustcEnv &&
         IsWardenEnvName(EnvName(d.value));
}

DirectiveVerdict CheckDirective(const PackagePolicy& policy,
                                const ParsedDirective& d) {
  DirectiveVerdict verdict;
  if (!NeedsGrant(d.kind)) {
    verdict.allowed = true;
    verdict.reason = "needs no grant";
    return verdict;
  }
  const Grants grants(policy);
  if (d.kind == DirectiveKind::kRustcEnv) return CheckEnv(grants, d);

  if (d.kind == DirectiveKind::kRustcLinkSearch)
    return CheckLinkSearch(policy, grants, d);

  bool named;
  if (ValueChecked(d.kind)) {
    verdict.rule = absl::StrCat(d.key, "=", EscapeDirectivePattern(d.value));
    named = grants.ByExactName(d.key) || grants.ByPattern(d.key, d.value);
    if (!named)
      verdict.reason =
          absl::StrCat(d.key, "=", d.value, ": this value is not granted");
  } else {
    verdict.rule = d.key;
    named = grants.ByName(d.key) || grants.ByPattern(d.key, d.value);
    if (!named) verdict.reason = absl::StrCat(d.key, " is not granted");
  }
  bool paths_possible = true;
  if (d.kind == DirectiveKind::kRustcFlags) {
    for (std::string_view value : RustcFlagsSearchPaths(d.value)) {
      std::optional<std::string> path = NormalSearchPath(SearchPath(value));
      if (!path) {
        paths_possible = false;
        verdict.reason = BadSearchPath(value);
      } else if (!SearchPathOk(policy, grants, *path)) {
        if (verdict.reason.empty())
          verdict.reason = absl::StrCat("library search path ", *path,
                                        " is neither readable by the "
                                        "package nor granted");
        verdict.also.push_back(SearchPathRule(*path, PathVars{}));
        verdict.search_paths.push_back(std::move(*path));
      }
    }
  }
  if (!paths_possible) {
    verdict.rule.clear();
    verdict.also.clear();
    verdict.search_paths.clear();
  }
  verdict.allowed = named && paths_possible && verdict.search_paths.empty();
  if (verdict.allowed) verdict.reason = "granted";
  return verdict;
}

LineDecision DecideLine(const PackagePolicy& policy, std::string_view line,
                        bool enforce) {
  LineDecision decision;
  decision.directive = ParseDirectiveLine(line);
  if (!decision.directive) {
    decision.forward = !(enforce && !ValidUtf8(line) &&
                         line.find("cargo:") != std::string_view::npos);
    return decision;
  }
  if (AlwaysDropped(*decision.directive)) {
    decision.verdict.reason =
        "WARDEN_* variables steer warden itself and are never allowed";
    decision.forward = false;
    return decision;
  }
  decision.verdict = CheckDirective(policy, *decision.directive);
  decision.forward = !enforce || decision.verdict.allowed;
  return decision;
}

std::string EscapeDirectivePattern(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '*' || c == '?' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string SearchPathRule(std::string_view path, const PathVars& vars) {
  VariablePrefix var = FindVariablePrefix(path, vars);
  std::string rest = EscapeDirectivePattern(path.substr(var.length));
  // Braces would read as a variable; '?' matches them.
  std::replace_if(
      rest.begin(), rest.end(), [](char c) { return c == '{' || c == '}'; },
      '?');
  return absl::StrCat("rustc-link-search=", var.braced, rest);
}

bool DirectivePatternMatch(std::string_view pattern, std::string_view s) {
  constexpr size_t kNone = std::string_view::npos;
  size_t p = 0, i = 0, star_p = kNone, star_i = 0;
  while (i < s.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = ++p;
      star_i = i;
      continue;
    }
    if (p < pattern.size()) {
      if (pattern[p] == '?') {
        ++p;
        i += CharLength(s, i);
        continue;
      }
      size_t width = pattern[p] == '\\' && p + 1 < pattern.size() ? 2 : 1;
      if (pattern[p + width - 1] == s[i]) {
        p += width;
        ++i;
        continue;
      }
    }
    if (star_p == kNone) return false;
    star_i += CharLength(s, star_i);
    i = star_i;
    p = star_p;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace policy_internal {

void DirectiveRules::Add(std::string_view rule, const PathVars& vars) {
  Entry entry;
  size_t eq = rule.find('=');
  entry.key = std::string(rule.substr(0, eq));
  if (eq != std::string_view::npos) {
    entry.has_pattern = true;
    entry.pattern = std::string(rule.substr(eq + 1));
  }
  // Library search path patterns may start with a path variable.
  if (entry.has_pattern && entry.key == "rustc-link-search" &&
      entry.pattern.starts_with("{")) {
    size_t close = entry.pattern.find('}');
    std::optional<std::string> value =
        close == std::string::npos
            ? std::nullopt
            : ExpandPath(std::string_view(entry.pattern).substr(0, close + 1),
                         vars);
    if (!value) return;  // never matches
    entry.pattern = absl::StrCat(EscapeDirectivePattern(*value),
                                 entry.pattern.substr(close + 1));
  }
  entries_.push_back(std::move(entry));
}

bool DirectiveRules::AllowsKey(std::string_view key) const {
  if (!NeedsGrant(KindOfKey(key))) return true;
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) {
    return SameKey(e.key, key) ||
           (!e.has_pattern && DirectivePatternMatch(e.key, key));
  });
}

}  // namespace policy_internal
}  // namespace warden
