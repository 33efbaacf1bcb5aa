#include "tools/floor_env.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tracer/unique_fd.h"
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

absl::StatusOr<std::string> PrivateTmp(const std::string& target_dir,
                                       bool runnable) {
  if (target_dir.empty())
    return absl::FailedPreconditionError(
        absl::StrCat(kEnvTargetDir, " is not set: run this through cargo-warden"));
  std::string dir = target_dir + (runnable ? "/warden-doctests" : "/warden/tmp");
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create ", dir, ": ", ec.message()));
  return dir;
}

std::string CompileFindingsFile(const std::string& target_dir,
                                const std::string& run_id) {
  return absl::StrCat(target_dir, "/warden/compile-", run_id, ".tsv");
}

absl::Status AppendCompileFindings(const std::string& file,
                                   const std::string& package,
                                   const std::string& version,
                                   const std::vector<Event>& findings) {
  const std::string crate =
      absl::StrCat(absl::CEscape(package), "\t", absl::CEscape(version));
  std::string text = absl::StrCat("compiled\t", crate, "\n");
  for (const Event& e : findings)
    absl::StrAppend(&text, crate, "\t", std::string(OpName(e.op)), "\t",
                    e.allowed ? 1 : 0, "\t", e.error, "\t", e.count, "\t",
                    absl::CEscape(e.target), "\t", absl::CEscape(e.detail), "\n");
  UniqueFd fd(open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
  if (!fd.valid())
    return absl::InternalError(absl::StrCat("cannot open ", file, ": ", strerror(errno)));
  if (write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return absl::InternalError(absl::StrCat("cannot write ", file, ": ", strerror(errno)));
  return absl::OkStatus();
}

namespace {

std::optional<CompileFinding> DecodeFinding(const std::string& line) {
  std::vector<std::string> f = absl::StrSplit(line, '\t');
  if (f.size() != 8) return std::nullopt;
  CompileFinding out;
  std::optional<Op> op = OpFromName(f[2]);
  int allowed = 0;
  if (!op || !absl::CUnescape(f[0], &out.package) ||
      !absl::CUnescape(f[1], &out.version) || !absl::SimpleAtoi(f[3], &allowed) ||
      !absl::SimpleAtoi(f[4], &out.event.error) ||
      !absl::SimpleAtoi(f[5], &out.event.count) ||
      !absl::CUnescape(f[6], &out.event.target) ||
      !absl::CUnescape(f[7], &out.event.detail))
    return std::nullopt;
  out.event.op = *op;
  out.event.allowed = allowed != 0;
  return out;
}

// DecodeCompiled reads a "compiled\tNAME\tVERSION" line.
std::optional<std::pair<std::string, std::string>> DecodeCompiled(
    const std::string& line) {
  std::vector<std::string> f = absl::StrSplit(line, '\t');
  std::pair<std::string, std::string> crate;
  if (f.size() != 3 || f[0] != "compiled" || !absl::CUnescape(f[1], &crate.first) ||
      !absl::CUnescape(f[2], &crate.second))
    return std::nullopt;
  return crate;
}

}  // namespace

absl::StatusOr<CompileRun> ReadCompileRun(const std::string& file) {
  CompileRun run;
  std::ifstream in(file);
  if (!in) {
    if (errno == ENOENT) return run;
    return absl::InternalError(absl::StrCat("cannot read ", file, ": ", strerror(errno)));
  }
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (std::optional<std::pair<std::string, std::string>> crate = DecodeCompiled(line)) {
      run.compiled.insert(*crate);
      continue;
    }
    std::optional<CompileFinding> f = DecodeFinding(line);
    if (!f)
      return absl::DataLossError(
          absl::StrCat(file, ":", number, ": not a warden-rustc finding"));
    run.findings.push_back(std::move(*f));
  }
  return run;
}

}  // namespace warden
