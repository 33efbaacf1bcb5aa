// The shipped profiles: named bundles of grants for common build-script needs
// (a C toolchain, pkg-config, a shell), plus the baseline every build script
// gets. Profile rules use the same language as warden.yaml and are expanded
// like user rules. Internal to policy/.
#ifndef WARDEN_POLICY_PROFILES_H_
#define WARDEN_POLICY_PROFILES_H_

#include <string>
#include <string_view>
#include <vector>

#include "policy/policy.h"

namespace warden {

// KnownProfileNames lists the profiles a warden.yaml may name, sorted.
std::vector<std::string> KnownProfileNames();

// FindProfile returns the profile `name` as a PackageEntry whose name is the
// profile name, or nullptr when there is none. The baseline is not nameable.
const PackageEntry* FindProfile(std::string_view name);

// BaselineProfile is applied to every build script: read its own package and
// OUT_DIR, write OUT_DIR, read the dynamic loader's and libc's runtime files,
// use /dev/null and the jobserver pipes, see Cargo's build-script variables.
const PackageEntry& BaselineProfile();

}  // namespace warden

#endif  // WARDEN_POLICY_PROFILES_H_
