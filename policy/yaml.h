// Reading and writing warden.yaml.
#ifndef WARDEN_POLICY_YAML_H_
#define WARDEN_POLICY_YAML_H_

#include <map>
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

// TextPosition is a 1-based line and column in a file.
struct TextPosition {
  int line = 0;
  int column = 0;
};

// PackageEntryPositions maps each crate name under `packages:` in policy
// text to where its first entry's key starts ("ring" and "ring@^0.17" both
// count as ring). Text that does not parse, or has no packages, gives an
// empty map: the positions are for pointing at entries, not for checking.
std::map<std::string, TextPosition> PackageEntryPositions(std::string_view text);

// PackageEntryPositionsInFile is PackageEntryPositions of a file's text; an
// unreadable file gives an empty map.
std::map<std::string, TextPosition> PackageEntryPositionsInFile(const std::string& path);

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
