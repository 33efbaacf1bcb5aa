// Entering the floor (policy/floor.h) from warden-rustc and warden-run.
#ifndef WARDEN_TOOLS_FLOOR_ENV_H_
#define WARDEN_TOOLS_FLOOR_ENV_H_

#include <string>

#include "absl/status/statusor.h"
#include "tracer/landlock.h"

namespace warden {

// FloorFromEnvironment decodes $WARDEN_FLOOR, which cargo-warden sets for
// the whole build; a build script cannot set it (warden drops every
// `cargo:rustc-env=WARDEN_*`).
absl::StatusOr<LandlockPlan> FloorFromEnvironment();

// EnterFloor sets no_new_privs and applies `plan` to this process and all it
// will run. Irrevocable.
absl::Status EnterFloor(const LandlockPlan& plan);

// PrivateTmp is the temporaries directory of the programs under the floor
// that write nothing else outside their outputs (rustc and the linker):
// <target_dir>/warden/tmp, created if missing. Keeps the shared /tmp out of
// the floor.
absl::StatusOr<std::string> PrivateTmp(const std::string& target_dir);

// CompileReadsFile is where warden-rustc notes, under learn, the files rustc
// read outside the floor (`name\tversion\tpath` lines) for cargo-warden's
// proposal.
std::string CompileReadsFile(const std::string& target_dir,
                             const std::string& run_id);

}  // namespace warden

#endif  // WARDEN_TOOLS_FLOOR_ENV_H_
