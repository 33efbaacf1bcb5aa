// Reading and writing warden.yaml.
#ifndef WARDEN_POLICY_YAML_H_
#define WARDEN_POLICY_YAML_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "policy/policy.h"

namespace warden {

// LoadPolicyFile parses a policy file. Errors are InvalidArgument with a
// message of the form "FILE:LINE:COLUMN: what is wrong (hint: how to fix)";
// unknown keys, wrong types, bad globs, bad network entries, unknown profiles
// and bad version requirements are all errors, never ignored. A missing file
// is NotFound.
absl::StatusOr<Policy> LoadPolicyFile(const std::string& path);

// LoadPolicyText is LoadPolicyFile on text; `file` names it in messages.
absl::StatusOr<Policy> LoadPolicyText(std::string_view text,
                                      const std::string& file);

// SavePolicy renders a policy as YAML: deterministic, packages sorted by name
// then version requirement, rules sorted, comments and reasons kept. Loading
// the result gives back an equal policy.
std::string SavePolicy(const Policy& policy);

// QuotedScalar renders `value` as a YAML double-quoted scalar, as SavePolicy
// writes rule values (for hints that must load back).
std::string QuotedScalar(std::string_view value);

// MergePolicies returns `base` with every grant of `extra` added (the union);
// entries are matched on name, version requirement and source. Used for the
// human override file and for `learn --merge`.
Policy MergePolicies(const Policy& base, const Policy& extra);

}  // namespace warden

#endif  // WARDEN_POLICY_YAML_H_
