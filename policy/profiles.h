// The shipped profiles: named bundles of grants for common build-script needs
// (a C toolchain, pkg-config, a shell), plus the baseline every build script
// gets. Profile rules use the same language as warden.yaml and are expanded
// like user rules. Internal to policy/.
#ifndef WARDEN_POLICY_PROFILES_H_
#define WARDEN_POLICY_PROFILES_H_

#include <optional>
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

// ProfileTriggers lists the program names (stems, see ProfileForProgram)
// whose exec makes learn pick profile `name`; the profile grants running
// each of them. Empty for an unknown name.
std::vector<std::string> ProfileTriggers(std::string_view name);

// ProfileForProgram names the shipped profile a build script running
// `program` (a path or name) needs, judged by its stem: distributions add a
// target triple in front and a version behind ("x86_64-linux-gnu-gcc-12" is
// gcc, "clang-14" clang). nullopt when no profile's triggers name it.
std::optional<std::string> ProfileForProgram(std::string_view program);

// BaselineProfile is applied to every build script: read its own package and
// OUT_DIR, write OUT_DIR, read the dynamic loader's and libc's runtime files,
// use /dev/null and the jobserver pipes, see Cargo's build-script variables.
const PackageEntry& BaselineProfile();

}  // namespace warden

#endif  // WARDEN_POLICY_PROFILES_H_
