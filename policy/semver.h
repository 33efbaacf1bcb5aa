// Semantic versions and Cargo version requirements, for selecting the policy
// entries that apply to one package version. Internal to policy/.
#ifndef WARDEN_POLICY_SEMVER_H_
#define WARDEN_POLICY_SEMVER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace warden::policy_internal {

// Version is "MAJOR.MINOR.PATCH[-PRE][+BUILD]"; build metadata is dropped.
struct Version {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::vector<std::string> pre;  // dot-separated pre-release identifiers
};

std::optional<Version> ParseVersion(std::string_view text);

// CompareVersions orders versions by semver precedence (<0, 0, >0).
int CompareVersions(const Version& a, const Version& b);

// VersionReq is a Cargo requirement: comma-joined comparators, each with an
// optional operator (none = caret, "^", "~", "=", ">", ">=", "<", "<=") and a
// partial version that may use '*' / 'x' wildcards ("1.*", "*"). A
// requirement is the intersection of its comparators, so it is held as one
// interval. As in Cargo, a pre-release version matches only when some
// comparator names a pre-release of the same MAJOR.MINOR.PATCH.
class VersionReq {
 public:
  // Parse rejects unparseable text and requirements no version satisfies
  // (">=2, <1").
  static absl::StatusOr<VersionReq> Parse(std::string_view text);

  bool Matches(const Version& version) const;

  // Bound is one end of the interval; unset = unbounded.
  struct Bound {
    Version version;
    bool inclusive = true;
  };

 private:
  std::optional<Bound> lower_;
  std::optional<Bound> upper_;
  std::vector<Version> pre_release_bases_;  // MAJOR.MINOR.PATCH with pre
};

}  // namespace warden::policy_internal

#endif  // WARDEN_POLICY_SEMVER_H_
