// Entering the floor (policy/floor.h) from warden-rustc and warden-run.
#ifndef WARDEN_TOOLS_FLOOR_ENV_H_
#define WARDEN_TOOLS_FLOOR_ENV_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "learner/carry.h"
#include "tracer/event.h"
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
// the floor. `runnable` (rustdoc --test, which builds doctests there and runs
// them through cargo's target runner, warden-run): <target_dir>/warden-doctests,
// outside warden/ so that the runner may execute what lands there.
absl::StatusOr<std::string> PrivateTmp(const std::string& target_dir,
                                       bool runnable);

// CompileFindingsFile is where every warden-rustc of run `run_id` appends
// its findings for cargo-warden: <target_dir>/warden/compile-<run>.tsv,
// which nothing under the floor may write.
std::string CompileFindingsFile(const std::string& target_dir,
                                const std::string& run_id);

// AppendCompileFindings notes that a warden-rustc call compiled `package`
// `version` and what it found beyond the floor, in one write (O_APPEND:
// rustc calls run side by side). Every byte of a path survives (C escapes).
absl::Status AppendCompileFindings(const std::string& file,
                                   const std::string& package,
                                   const std::string& version,
                                   const std::vector<Event>& findings);

// ReadCompileRun reads a run's file back; a missing file holds nothing. A
// line that does not decode is an error: a finding must never go unreported.
absl::StatusOr<CompileRun> ReadCompileRun(const std::string& file);

}  // namespace warden

#endif  // WARDEN_TOOLS_FLOOR_ENV_H_
