// Glue shared by cargo-warden and warden-shim: path variables of a run, and
// the Decider that puts a compiled policy in front of the supervisor.
#ifndef WARDEN_TOOLS_CONTEXT_H_
#define WARDEN_TOOLS_CONTEXT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/matcher.h"
#include "policy/policy.h"
#include "tracer/supervisor.h"

namespace warden {

// NowMs is the wall clock in Unix epoch milliseconds, as the database keeps it.
int64_t NowMs();

// MachineVars fills the variables that depend on the user and machine:
// {home}, {cargo_home}, {rustup_home}, {tmp} and $PATH from the environment,
// and {sysroot}.
PathVars MachineVars(const std::string& sysroot);

// RustSysroot asks rustc ($RUSTC, else rustc on PATH) for its sysroot; ""
// when it cannot. It starts rustc (20-30 ms): see SysrootOf.
std::string RustSysroot();

// SysrootOf returns the sysroot of the rustc binary at `rustc` without
// running it, the way rustc finds its own: two levels above the real file,
// when that directory holds lib/rustlib. "" otherwise (a wrapper, a rustup
// proxy).
std::string SysrootOf(const std::string& rustc);

// OverridePath is the human override file next to a policy file:
// warden.yaml -> warden.override.yaml.
std::string OverridePath(const std::string& policy_path);

// LoadPolicyWithOverride loads the policy and merges its override file, if
// one exists.
absl::StatusOr<Policy> LoadPolicyWithOverride(const std::string& policy_path);

// PolicyDecider answers the supervisor from a compiled package policy.
class PolicyDecider : public Decider {
 public:
  explicit PolicyDecider(const PackagePolicy& policy) : policy_(policy) {}
  bool Decide(const Event& event, std::string_view requested) override;

 private:
  const PackagePolicy& policy_;
};

// LearnDecider is learn mode: everything proceeds and is recorded, except
// writes to warden's own files (the database and the policy files), which no
// legitimate build script makes and a hostile one would use to hide.
class LearnDecider : public Decider {
 public:
  explicit LearnDecider(std::vector<std::string> protected_paths)
      : protected_(std::move(protected_paths)) {}
  bool Decide(const Event& event, std::string_view requested) override;

 private:
  std::vector<std::string> protected_;
};

}  // namespace warden

#endif  // WARDEN_TOOLS_CONTEXT_H_
