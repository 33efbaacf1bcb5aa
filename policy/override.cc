#include "policy/override.h"

#include <filesystem>
#include <system_error>

#include "policy/yaml.h"

namespace warden {

namespace {

// SiblingPath: warden.yaml, "override" -> warden.override.yaml.
std::string SiblingPath(const std::string& policy_path, const char* infix) {
  std::filesystem::path p(policy_path);
  return (p.parent_path() /
          (p.stem().string() + "." + infix + p.extension().string()))
      .string();
}

}  // namespace

std::string OverridePath(const std::string& policy_path) {
  return SiblingPath(policy_path, "override");
}

std::string ProposalPath(const std::string& policy_path) {
  return SiblingPath(policy_path, "proposed");
}

absl::StatusOr<Policy> LoadPolicyWithOverride(const std::string& policy_path) {
  absl::StatusOr<Policy> policy = LoadPolicyFile(policy_path);
  if (!policy.ok()) return policy;
  std::string override_path = OverridePath(policy_path);
  std::error_code ec;
  if (!std::filesystem::exists(override_path, ec)) return policy;
  absl::StatusOr<Policy> human = LoadPolicyFile(override_path);
  if (!human.ok()) return human.status();
  return MergePolicies(*policy, *human);
}

}  // namespace warden
