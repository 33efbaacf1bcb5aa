// The Landlock plan under one build script: the coarse kernel wall behind the
// supervisor's per-request decisions, from the same compiled policy.
#ifndef WARDEN_POLICY_SANDBOX_PLAN_H_
#define WARDEN_POLICY_SANDBOX_PLAN_H_

#include <string>

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

}  // namespace warden

#endif  // WARDEN_POLICY_SANDBOX_PLAN_H_
