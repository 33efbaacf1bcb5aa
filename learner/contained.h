// What learn makes of the requests contained learn's fence refused
// (policy/contained.h): the proposal grants them for the maintainer to
// decide, each such rule commented "needs review: REASON", and a failed
// build names those refused to the build scripts that failed.
#ifndef WARDEN_LEARNER_CONTAINED_H_
#define WARDEN_LEARNER_CONTAINED_H_

#include <string>
#include <vector>

#include "learner/learner.h"
#include "policy/policy.h"
#include "tracer/event.h"

namespace warden {

// ContainedDenial is one distinct request the fence refused a package's
// build script.
struct ContainedDenial {
  PackageId package;
  Event event;
  std::string reason;  // ContainmentReason's
  std::string rule;    // what would allow it (SuggestRule), "" if none can
  int exit_status = 0; // of the build-script run it was refused to
};

// ContainedDenials lists the fence's refusals in `observations`
// (ContainmentDenial, with `warden_files` as the shim protected them), in
// observation order, each (package, op, target, detail, exit status) once.
std::vector<ContainedDenial> ContainedDenials(
    const std::vector<Observation>& observations,
    const std::vector<std::string>& warden_files);

// ProposeReviewed is learn's proposal (ProposeRunPolicy) with the fence's
// refusals counted as allowed: the rules that grant them get a comment
// starting "needs review: REASON" (the entry's comment instead, when a
// profile grants one). Without refusals it is ProposeRunPolicy.
Policy ProposeReviewed(std::vector<Observation> observations,
                       const std::vector<std::string>& compile_reads,
                       const PathVars& vars,
                       const std::vector<std::string>& warden_files);

}  // namespace warden

#endif  // WARDEN_LEARNER_CONTAINED_H_
