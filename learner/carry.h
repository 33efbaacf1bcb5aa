// Carrying observations over: cargo reruns a build script only when it finds
// it stale, so a learn on a warm target dir sees few or none of them. Learn's
// proposal is made from the latest observation of each package version the
// workspace locks, whichever run made it.
#ifndef WARDEN_LEARNER_CARRY_H_
#define WARDEN_LEARNER_CARRY_H_

#include <vector>

#include "db/store.h"
#include "policy/matcher.h"

namespace warden {

// CarriedInvocations picks from `latest` (Store::LatestInvocations of the
// workspace's learn runs) the invocations whose observations learn carries
// over into this run's proposal. For each package version (name, version,
// source) in `locked` that no invocation in `ran` (this run's) belongs to,
// they are those of the newest run that invoked it: each build script (by
// binary hash) that run ran for it, none it superseded. A package version
// that reran here is this run's alone; one not in `locked` drops out.
// In `latest`'s order.
std::vector<InvocationRecord> CarriedInvocations(
    const std::vector<InvocationRecord>& latest,
    const std::vector<InvocationRecord>& ran,
    const std::vector<PackageId>& locked);

}  // namespace warden

#endif  // WARDEN_LEARNER_CARRY_H_
