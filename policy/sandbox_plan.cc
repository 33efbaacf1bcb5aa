#include "policy/sandbox_plan.h"

namespace warden {

LandlockPlan BuildScriptPlan(const PackagePolicy* policy,
                             const std::string& program, int landlock_abi) {
  LandlockPlan plan;
  plan.scope = landlock_abi >= 6;
  if (policy == nullptr) return plan;  // learn: observe, don't confine files
  plan.restrict_fs = true;
  plan.read_paths = policy->Roots(Access::kRead);
  for (const std::string& p : policy->Roots(Access::kExec))
    plan.read_paths.push_back(p);
  plan.read_paths.push_back(program);
  plan.write_paths = policy->Roots(Access::kWrite);
  // TCP: with no network grant at all, the kernel refuses every port too.
  plan.restrict_tcp = landlock_abi >= 4 &&
                      policy->Roots(Access::kConnect).empty() &&
                      policy->Roots(Access::kBind).empty();
  return plan;
}

}  // namespace warden
