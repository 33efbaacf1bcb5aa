// What the warden-rustc calls of a run found beyond the floor, as learner
// observations for cargo-warden's report and proposal.
#ifndef WARDEN_TOOLS_COMPILE_RUNS_H_
#define WARDEN_TOOLS_COMPILE_RUNS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "db/store.h"
#include "learner/learner.h"
#include "tools/cargo.h"

namespace warden {

// CompileObservations reads what the warden-rustc calls of run `run_id`
// found beyond the floor, one observation per compiled package (marked
// `compile`, with `vars`). With `locked` (learn: Cargo.lock's packages),
// the locked crates this run did not recompile bring what the workspace's
// newest earlier learn run that compiled them found (CarriedCompileFindings).
absl::StatusOr<std::vector<Observation>> CompileObservations(
    Store& store, const WorkspaceDirs& dirs, const PathVars& vars,
    int64_t run_id, const std::vector<PackageId>* locked);

// CompileReads are the files rustc (include_bytes!, a proc macro) read
// beyond the floor under learn.
std::vector<std::string> CompileReads(const std::vector<Observation>& compiled);

}  // namespace warden

#endif  // WARDEN_TOOLS_COMPILE_RUNS_H_
