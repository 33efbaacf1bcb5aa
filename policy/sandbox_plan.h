// The Landlock plan under one build script: the kernel wall behind the
// supervisor's per-request decisions, from the same compiled policy.
#ifndef WARDEN_POLICY_SANDBOX_PLAN_H_
#define WARDEN_POLICY_SANDBOX_PLAN_H_

#include <optional>
#include <string>
#include <vector>

#include "policy/matcher.h"
#include "tracer/landlock.h"

namespace warden {

// BuildScriptPlan is the plan for running `program` under `policy`, or in
// learn mode (`policy` null), which confines no file and no port. Under
// enforce it reads and executes below the policy's read and exec roots and
// `program`, writes below its write roots and, with `landlock_abi` >= 4 and
// no connect or bind grant at all, reaches no TCP port. Signals are scoped
// to the tree from ABI 6 in both modes.
LandlockPlan BuildScriptPlan(const PackagePolicy* policy,
                             const std::string& program, int landlock_abi);

// ConfineLearnWrites makes learn's `plan` (BuildScriptPlan with no policy,
// or rustc's under learn) let the kernel check writes into `outputs` itself
// (LandlockPlan::restrict_writes), so that the supervisor answers them
// CONTINUE instead of performing them: the canonical forms of the existing
// directories among `outputs`, less any that holds one of `protected_paths`
// (warden's files, the writes learn refuses). Writes elsewhere stay the
// supervisor's. Without Landlock (`landlock_abi` 0) or any such directory,
// the plan is left as it was.
void ConfineLearnWrites(LandlockPlan& plan, const std::vector<std::string>& outputs,
                        const std::vector<std::string>& protected_paths,
                        int landlock_abi);

// ExactBuildScriptPlan is a plan under which everything the kernel lets the
// build script read is a file `policy` lets it read, resolved as the
// supervisor resolves it: so a read the supervisor allowed can be answered
// with CONTINUE, and no path swapped in after the decision reaches more.
// Its rules: the read and write grants that name a file or a whole tree
// ("X/**"), the files of a last-component glob ("/usr/bin/*") when few, and
// what exec needs the kernel to read: `program`, the programs the exec
// grants name (a name: in every directory of `path_dirs`, the $PATH in
// order), what the kernel loads to run them (tracer/landlock.h ExecLoads)
// and the common shells. Writing is the same for the write grants that name
// a whole tree by its canonical name: the kernel may write, create and
// truncate regular files below it (output_paths), so an allowed write there
// is answered with CONTINUE; the supervisor performs every other write
// itself. nullopt when an exec
// grant names a program the policy does not let read (for a name, the one
// $PATH finds first), or a tree no read tree covers: then the kernel could
// not run what the policy allows.
std::optional<LandlockPlan> ExactBuildScriptPlan(
    const PackagePolicy& policy, const std::string& program,
    const std::vector<std::string>& path_dirs, int landlock_abi);

}  // namespace warden

#endif  // WARDEN_POLICY_SANDBOX_PLAN_H_
