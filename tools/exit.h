// Exit statuses of cargo-warden, warden-shim, warden-rustc/-rustdoc and
// warden-run: part of the interface, CI scripts depend on them.
#ifndef WARDEN_TOOLS_EXIT_H_
#define WARDEN_TOOLS_EXIT_H_

#include "absl/status/status.h"

namespace warden {

enum ExitCode : int {
  kExitOk = 0,
  kExitFindings = 1,      // enforce: requests were denied; diff: additions
  kExitUsage = 2,         // bad command line or bad warden.yaml
  kExitEnvironment = 3,   // kernel, cargo or database problem; warden's own
  kExitBuildFailed = 4,   // cargo failed and nothing was denied
};

// ExitFor is the status for a failed `status`: a bad argument or policy is
// the caller's to fix (usage), everything else is the environment's.
inline ExitCode ExitFor(const absl::Status& status) {
  if (status.ok()) return kExitOk;
  return absl::IsInvalidArgument(status) ? kExitUsage : kExitEnvironment;
}

}  // namespace warden

#endif  // WARDEN_TOOLS_EXIT_H_
