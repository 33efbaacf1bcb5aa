// What a build script prints to cargo: parsing its "cargo:" lines exactly as
// cargo does, and deciding, before cargo sees a line, whether the package's
// policy lets it through. The one place that knows the directive kinds.
//
// The shim reads the build script's stdout, splits it on '\n' and asks
// DecideLine for each line; cmd_run, the learner and the matcher's
// PackagePolicy::AllowsDirective use the same classification.
#ifndef WARDEN_POLICY_DIRECTIVES_H_
#define WARDEN_POLICY_DIRECTIVES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/matcher.h"

namespace warden {

// DirectiveKind is what cargo does with a directive.
enum class DirectiveKind {
  // Need no grant: they change nothing about how code is compiled or linked.
  kWarning,
  kError,
  kRerunIfChanged,
  kRerunIfEnvChanged,
  kMetadata,  // "cargo::metadata=K=V" and unknown old-syntax keys
  kRustcCheckCfg,
  // Need a `directives:` grant naming the key.
  kRustcCfg,
  kRustcLinkLib,
  kRustcLinkSearch,  // and PATH readable, default or granted (below)
  kRustcEnv,         // dangerous NAMEs need "rustc-env=NAME"; WARDEN_* never
  kUnknown,          // "cargo::KEY=" cargo 1.95 does not know (it fails the
                     // build; a later cargo may act on it)
  // Need a "KEY=PATTERN" grant matching the value (or a bare "KEY" grant).
  kRustcFlags,  // and its -L paths as for rustc-link-search
  kRustcLinkArg,
  kRustcLinkArgBins,
  kRustcLinkArgBin,  // value "BIN=ARG"
  kRustcLinkArgTests,
  kRustcLinkArgExamples,
  kRustcLinkArgBenches,
  kRustcCdylibLinkArg,  // "rustc-cdylib-link-arg" and "rustc-link-arg-cdylib"
};

// ParsedDirective is one line as cargo reads it.
struct ParsedDirective {
  DirectiveKind kind = DirectiveKind::kUnknown;
  bool new_syntax = false;  // "cargo::" rather than "cargo:"
  // The key as printed ("rustc-link-arg", "rustc-link-arg-cdylib");
  // "metadata" for metadata in either syntax.
  std::string key;
  // Everything after the first '=' following the key, trailing whitespace
  // trimmed, leading whitespace kept (as cargo passes it on). Metadata:
  // "K=V". rustc-link-arg-bin: "BIN=ARG". rustc-env: "NAME=VALUE".
  std::string value;
};

// ParseDirectiveLine reads one line of build-script output (without its
// '\n') as cargo 1.95's BuildOutput::parse does: nullopt for invalid UTF-8,
// for lines that, after Rust's str::trim (Unicode White_Space), do not start
// with "cargo:", and for directives without '=' (cargo fails the build on
// those, acting on none of the output). Where cargo versions differ, the
// line counts as whatever any of them would act on.
std::optional<ParsedDirective> ParseDirectiveLine(std::string_view line);

// DirectiveFromStored rebuilds a directive from the key and value the
// database keeps (tools/observe.cc): a key cargo does not know is
// old-syntax metadata.
ParsedDirective DirectiveFromStored(std::string_view key,
                                    std::string_view value);

// KindOfKey classifies a directive key as an old-syntax line would be
// ("foo" is metadata, "rustc-foo" kUnknown so that it needs a grant).
DirectiveKind KindOfKey(std::string_view key);

bool NeedsGrant(DirectiveKind kind);    // everything but warning…check-cfg
bool ValueChecked(DirectiveKind kind);  // rustc-flags and the link args

// AlwaysDropped is true for directives no policy and no mode lets through:
// rustc-env of WARDEN_* (it would steer warden's own rustc wrapper). The shim
// drops them in learn mode too.
bool AlwaysDropped(const ParsedDirective& d);

// DangerousEnvReason says why rustc-env=NAME is dangerous (it changes how
// rustc, the linker or a program they run is loaded or behaves), or "" when
// it is not. Case-insensitive. The list, with reasons, is in
// directives_env.cc.
std::string_view DangerousEnvReason(std::string_view name);

// DirectiveVerdict is the decision on one directive.
struct DirectiveVerdict {
  bool allowed = false;
  // Why it was denied (or allowed: "needs no grant", "granted").
  std::string reason;
  // The `directives:` entry that allows it, e.g. "rustc-link-arg=-Wl,--as-needed"
  // (glob characters escaped); "" when no entry can (WARDEN_*).
  std::string rule;
  // Further entries needed: "rustc-link-search=PATH" for each -L path of a
  // rustc-flags value that the package may not read.
  std::vector<std::string> also;
  // The library search paths (absolute, normalised) behind "rustc-link-search=
  // PATH" in `rule` or `also`; a read grant of each would do instead.
  std::vector<std::string> search_paths;
};

// CheckDirective decides `d` for the package `policy` was compiled for.
// Entries of `directives:` are "KEY" (a glob over keys; for value-checked
// kinds only the exact key counts, and means any value) or "KEY=PATTERN"
// ('*' any run, '/' included, '?' one character, '\' takes the next
// character literally) matched against the value, except:
//  - rustc-env: the pattern is over NAME; a dangerous NAME needs the entry
//    "rustc-env=NAME" with exactly that name; WARDEN_* is never allowed;
//  - rustc-link-search=[KIND=]PATH: the pattern is over PATH (normalised),
//    may start with a path variable ("rustc-link-search={out_dir}/lib"), and
//    grants both the key and the path. A bare grant needs PATH readable by
//    the package (policy.Allows(kRead)) or one of the linker's default
//    directories; relative paths and '.'/'..' components are never allowed.
//    rustc-flags' -L paths are checked the same way.
DirectiveVerdict CheckDirective(const PackagePolicy& policy,
                                const ParsedDirective& d);

// LineDecision is what the shim does with one line of build-script stdout.
struct LineDecision {
  bool forward = true;                       // pass the line to cargo
  std::optional<ParsedDirective> directive;  // set when the line is one
  DirectiveVerdict verdict;                  // set when `directive` is
};

// DecideLine: learn mode (`enforce` false) forwards everything except
// AlwaysDropped directives; enforce forwards non-directive lines and allowed
// directives only. An invalid-UTF-8 line that mentions "cargo:" is dropped
// in enforce mode (cargo 1.95 ignores it; dropping costs nothing).
LineDecision DecideLine(const PackagePolicy& policy, std::string_view line,
                        bool enforce);

// EscapeDirectivePattern escapes '*', '?' and '\' in a directive value so
// that the entry "KEY=" + EscapeDirectivePattern(v) matches exactly v.
std::string EscapeDirectivePattern(std::string_view value);

// SearchPathRule is the entry "rustc-link-search=PATTERN" that grants the
// library search path `path` (absolute, normalised): its leading variable
// put back as PathToPattern does (policy/pattern.h), the rest escaped, braces
// as '?'. With empty `vars` it names the path as it is.
std::string SearchPathRule(std::string_view path, const PathVars& vars);

// DirectivePatternMatch matches a value against a pattern ('*', '?', '\').
bool DirectivePatternMatch(std::string_view pattern, std::string_view value);

namespace policy_internal {

// DirectiveRules is the compiled `directives:` list of one package; the
// matcher's CompiledPolicy owns one.
class DirectiveRules {
 public:
  // Add compiles one entry; a leading "{var}" of a rustc-link-search
  // pattern is expanded with `vars` (an empty variable drops the entry).
  void Add(std::string_view rule, const PathVars& vars);
  // AllowsKey: the key needs no grant, or some entry names it (as a bare
  // key glob, or as "KEY=…"). The name-level check of
  // PackagePolicy::AllowsDirective.
  bool AllowsKey(std::string_view key) const;

  struct Entry {
    std::string key;      // glob when !has_pattern
    bool has_pattern = false;
    std::string pattern;  // after '='
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

// RulesOf returns the directive rules of a policy made by
// CompilePackagePolicy, nullptr for other implementations (then only
// AllowsDirective is consulted, as a bare grant). Defined in matcher.cc.
const DirectiveRules* RulesOf(const PackagePolicy& policy);

// IsWardenEnvName: `name`, trimmed, starts with WARDEN_ in any case (a
// variable that steers warden itself).
bool IsWardenEnvName(std::string_view name);

}  // namespace policy_internal
}  // namespace warden

#endif  // WARDEN_POLICY_DIRECTIVES_H_
