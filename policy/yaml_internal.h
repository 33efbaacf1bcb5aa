// What yaml_load.cc, yaml_save.cc and yaml_merge.cc share. Internal to
// policy/.
#ifndef WARDEN_POLICY_YAML_INTERNAL_H_
#define WARDEN_POLICY_YAML_INTERNAL_H_

#include <string>
#include <string_view>
#include <tuple>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "policy/policy.h"

namespace warden::policy_internal {

// Absl converts for StrCat and friends: this Abseil's string_view is not
// std::string_view.
inline absl::string_view Absl(std::string_view s) {
  return {s.data(), s.size()};
}

// EntryKey identifies a package entry: SavePolicy sorts on it, MergePolicies
// matches on it.
inline auto EntryKey(const PackageEntry& e) {
  return std::tie(e.name, e.version_req, e.source);
}

// ReadPolicyFile is a policy file's text; NotFound when it is missing.
absl::StatusOr<std::string> ReadPolicyFile(const std::string& path);

}  // namespace warden::policy_internal

#endif  // WARDEN_POLICY_YAML_INTERNAL_H_
