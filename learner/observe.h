// Reading a run back from the database as learner Observations.
#ifndef WARDEN_LEARNER_OBSERVE_H_
#define WARDEN_LEARNER_OBSERVE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "db/store.h"
#include "learner/learner.h"

namespace warden {

// ParseDirectives reads the "cargo:KEY=VALUE" / "cargo::KEY=VALUE" lines of a
// build script's captured output.
std::vector<Directive> ParseDirectives(const std::string& output,
                                       int64_t invocation_id);

// RecordDirectives reads <out_dir>/../output of every invocation of the run
// (cargo writes the script's stdout there) and stores its directives.
absl::Status RecordDirectives(Store& store, int64_t run_id);

// TargetDirOf is the target dir of a build script run with `out_dir`:
// `known` (the run's, as cargo-warden found it) when the out dir lies in it,
// else the out dir's ancestor above the profile and any --target triple.
std::string TargetDirOf(const std::string& out_dir, const std::string& known);

// Observations returns one Observation per invocation of the run, with the
// path variables its supervisor recorded; for invocations recorded before
// schema 3, rebuilt from the run on top of `machine`, this user's and
// machine's ({home}, {cargo_home}, $PATH …). `machine.sysroot` stands in for
// invocations recorded without one (schema 1).
absl::StatusOr<std::vector<Observation>> Observations(Store& store,
                                                      int64_t run_id,
                                                      const PathVars& machine);

// CarriedObservations returns the observations learn keeps from the
// workspace's earlier learn runs for the package versions in `locked` (the
// Cargo.lock the build has just written) that run `run_id` did not rerun
// (learner/carry.h), with path variables as for Observations.
absl::StatusOr<std::vector<Observation>> CarriedObservations(
    Store& store, int64_t run_id, const std::vector<PackageId>& locked,
    const PathVars& machine);

// RecordPaths is what an invocation's row keeps of the supervisor's `vars`
// (out_dir, manifest_dir and sysroot have columns of their own).
RecordedPaths RecordPaths(const PathVars& vars);

// VarsFor is the path variables an invocation ran with: the recorded ones
// alone when it has them (schema 3), else rebuilt from `run`, `target_dir`
// and `machine` (see Observations).
PathVars VarsFor(const RunRecord& run, const InvocationRecord& inv,
                 const std::string& target_dir, const PathVars& machine);

}  // namespace warden

#endif  // WARDEN_LEARNER_OBSERVE_H_
