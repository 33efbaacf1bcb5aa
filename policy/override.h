// The human override file next to a policy file: what a reviewer grants by
// hand survives every `cargo warden learn`, which rewrites warden.yaml.
#ifndef WARDEN_POLICY_OVERRIDE_H_
#define WARDEN_POLICY_OVERRIDE_H_

#include <string>

#include "absl/status/statusor.h"
#include "policy/policy.h"

namespace warden {

// OverridePath is the human override file next to a policy file:
// warden.yaml -> warden.override.yaml.
std::string OverridePath(const std::string& policy_path);

// ProposalPath is where learn writes a proposal it may not merge:
// warden.yaml -> warden.proposed.yaml.
std::string ProposalPath(const std::string& policy_path);

// LoadPolicyWithOverride loads the policy and merges its override file, if
// one exists.
absl::StatusOr<Policy> LoadPolicyWithOverride(const std::string& policy_path);

}  // namespace warden

#endif  // WARDEN_POLICY_OVERRIDE_H_
