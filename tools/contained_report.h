// What `cargo warden learn --contained` says about its fence's refusals
// (learner/contained.h).
#ifndef WARDEN_TOOLS_CONTAINED_REPORT_H_
#define WARDEN_TOOLS_CONTAINED_REPORT_H_

#include <cstdio>
#include <vector>

#include "learner/contained.h"

namespace warden {

// PrintContainedSummary says in one line how many distinct requests the fence
// refused, by reason.
void PrintContainedSummary(const std::vector<ContainedDenial>& denials,
                           FILE* out);

// PrintContainedBlame names, per package, what the fence refused the
// build-script runs that failed: the likely cause of a failed contained
// build, with the rule that would allow each. Returns how many it named
// (nothing is printed for none).
size_t PrintContainedBlame(const std::vector<ContainedDenial>& denials,
                           FILE* out);

}  // namespace warden

#endif  // WARDEN_TOOLS_CONTAINED_REPORT_H_
