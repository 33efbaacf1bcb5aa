// Compiling the policy for one package into a matcher the supervisor queries.
#ifndef WARDEN_POLICY_MATCHER_H_
#define WARDEN_POLICY_MATCHER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/policy.h"
#include "tracer/event.h"

namespace warden {

// PathVars are the values of the policy's path variables for one build-script
// run. Empty values never match anything.
struct PathVars {
  std::string out_dir;
  std::string manifest_dir;
  std::string target_dir;
  std::string workspace_root;
  std::string home;
  std::string cargo_home;
  std::string rustup_home;
  std::string tmp;
  std::string sysroot;
  std::vector<std::string> path_dirs;  // $PATH, for exec entries by name
};

// PackageId names the package whose build script runs.
struct PackageId {
  std::string name;
  std::string version;  // exact, e.g. "0.16.20"
  std::string source;   // "registry", "path" or "git"
};

// Grant is the rule that allowed an access, for reports.
struct Grant {
  std::string rule;     // the rule text as written (before expansion)
  std::string origin;   // "ring: read", "defaults: read", "profile c-toolchain"
};

// PackagePolicy answers "may this build script do X?" for one package. It is
// immutable and cheap to query (no regex, no allocation on the hot path where
// avoidable). Thread-compatible.
class PackagePolicy {
 public:
  virtual ~PackagePolicy() = default;

  // Allows returns the grant that covers `target` for `access`, or nullptr.
  // For kRead, write grants count too. `target` is an absolute normalised
  // path for file accesses, the resolved program path for kExec (with
  // `requested` the path as the script named it), or an address in
  // Event::target form for kConnect/kBind.
  virtual const Grant* Allows(Access access, std::string_view target,
                              std::string_view requested = {}) const = 0;

  // AllowsEnv says whether the variable may be passed to the build script.
  virtual bool AllowsEnv(std::string_view name) const = 0;

  // AllowsDirective says whether the build script may print "cargo:KEY=…".
  // Only keys that change how other code is compiled or linked ("rustc-*",
  // except rustc-check-cfg) need a `directives:` grant.
  virtual bool AllowsDirective(std::string_view key) const = 0;

  // Roots lists, per access, the directories (or files) below which every
  // grant of that access lies, with variables expanded: the input for the
  // coarser Landlock layer. A glob's root is its longest literal prefix.
  virtual std::vector<std::string> Roots(Access access) const = 0;

  // Patterns lists the grants of `access` as expanded patterns, for kernel
  // rules that must grant no more than the policy: for kRead the read and
  // write grants; for kExec the path grants and the program names (no '/'),
  // which match in every $PATH directory.
  virtual std::vector<std::string> Patterns(Access access) const = 0;

  // Mentioned is false when the policy has no entry for the package, so only
  // the baseline and defaults apply.
  virtual bool Mentioned() const = 0;
};

// CompilePackagePolicy selects the entries of `policy` that match `package`
// (name, version requirement, source), adds `defaults`, the shipped profiles
// they name and the baseline every build script gets (read its own package
// directory and the system runtime, read and write its OUT_DIR), and expands
// variables with `vars`.
absl::StatusOr<std::unique_ptr<PackagePolicy>> CompilePackagePolicy(
    const Policy& policy, const PackageId& package, const PathVars& vars);

// SuggestRule is the rule text (with variables put back) that would allow
// `event` for a package run with `vars`: shown in enforce reports.
// "" when no line can allow it (most of another process's /proc).
std::string SuggestRule(const Event& event, const PathVars& vars);

// GlobMatch matches a normalised absolute path against an expanded pattern.
// '*' and '?' stay within one component; a '**' component matches zero or
// more components, so "/a/**" matches "/a" itself as well as everything
// below it. A pattern "/proc/self/…" also matches "/proc/<digits>/…" (the
// supervisor rewrites /proc/self and vouches for the pid).
bool GlobMatch(std::string_view pattern, std::string_view path);

}  // namespace warden

#endif  // WARDEN_POLICY_MATCHER_H_
