#include "tools/floor_env.h"

#include <sys/prctl.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "tools/protocol.h"

namespace warden {

absl::StatusOr<LandlockPlan> FloorFromEnvironment() {
  std::string text = GetEnv(kEnvFloor);
  if (text.empty())
    return absl::FailedPreconditionError(absl::StrCat(
        kEnvFloor, " is not set: run this through cargo-warden"));
  return DecodePlan(text);
}

absl::Status EnterFloor(const LandlockPlan& plan) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return absl::InternalError(
        absl::StrCat("PR_SET_NO_NEW_PRIVS: ", strerror(errno)));
  return ApplyLandlock(plan);
}

absl::StatusOr<std::string> PrivateTmp(const std::string& target_dir) {
  if (target_dir.empty())
    return absl::FailedPreconditionError(
        absl::StrCat(kEnvTargetDir, " is not set: run this through cargo-warden"));
  std::string dir = target_dir + "/warden/tmp";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", dir, ": ", ec.message()));
  return dir;
}

std::string CompileReadsFile(const std::string& target_dir,
                             const std::string& run_id) {
  return absl::StrCat(target_dir, "/warden/compile-reads-", run_id, ".tsv");
}

}  // namespace warden
