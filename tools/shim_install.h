// Putting warden's shim in front of a compiled build script.
//
// cargo runs target/<profile>/build/<pkg>-<hash>/build-script-build, a hard
// link to build_script_build-<hash>. warden moves the real binary aside to
// build_script_build-<hash>.warden-real and puts a small shell script in its
// place (and in place of the hard link) that runs it under warden-shim when
// cargo runs under cargo-warden, and directly otherwise, so plain `cargo
// build` keeps working on the same target dir.
#ifndef WARDEN_TOOLS_SHIM_INSTALL_H_
#define WARDEN_TOOLS_SHIM_INSTALL_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace warden {

inline constexpr const char kRealSuffix[] = ".warden-real";

// InstallShim moves `binary` (an executable rustc just linked) to
// binary + kRealSuffix and writes the shim script at `binary`. Idempotent:
// a binary that is already a shim is left alone.
absl::Status InstallShim(const std::string& binary);

// ShimAllBuildScripts walks <target_dir>/**/build/*/ and shims every build
// script binary that is not shimmed yet (left there by a plain cargo build),
// relinking cargo's build-script-* names. Returns how many it shimmed.
absl::StatusOr<int> ShimAllBuildScripts(const std::string& target_dir);

// ShimBuildScriptsBelow is ShimAllBuildScripts returning the paths it
// shimmed. After a supervised build, any path means a build script was
// compiled without warden-rustc (a nested cargo that lost warden's
// environment): it ran unsupervised.
absl::StatusOr<std::vector<std::string>> ShimBuildScriptsBelow(
    const std::string& target_dir);

}  // namespace warden

#endif  // WARDEN_TOOLS_SHIM_INSTALL_H_
