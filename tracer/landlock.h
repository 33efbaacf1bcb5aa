// Landlock: the in-kernel second wall behind the supervisor.
//
// The supervisor decides every request it is asked about; Landlock confines
// what the kernel does on its own (execve and its interpreter, anything a
// supervisor bug would let through with CONTINUE) to the roots of the policy,
// or under an exact plan to exactly what it lets read, and scopes signals
// and abstract unix sockets to the sandboxed tree.
#ifndef WARDEN_TRACER_LANDLOCK_H_
#define WARDEN_TRACER_LANDLOCK_H_

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tracer/event.h"

namespace warden {

struct LandlockPlan {
  // When false, file-system access is left to the supervisor alone.
  bool restrict_fs = false;
  std::vector<std::string> read_paths;   // read files, list dirs, execute
  std::vector<std::string> data_paths;   // read files, list dirs; no execute
  std::vector<std::string> write_paths;  // every file-system right
  std::vector<std::string> scratch_paths;  // every right but execute
  // Trees where the kernel lets regular files be written, created and
  // truncated (no other right). The Decider must allow every such write
  // there: the supervisor answers them CONTINUE, and performs the others.
  std::vector<std::string> output_paths;
  // When true and restrict_fs is false, only output_paths' rights are
  // handled (learn's plan: nothing else is confined).
  bool restrict_writes = false;
  // When true, TCP bind/connect is limited to the listed ports (ABI 4).
  bool restrict_tcp = false;
  std::vector<uint16_t> connect_ports;
  std::vector<uint16_t> bind_ports;
  // Signals and abstract unix sockets stay inside the tree (ABI 6).
  bool scope = true;
};

// LandlockAbi returns the kernel's Landlock ABI version, 0 when Landlock is
// missing or disabled.
int LandlockAbi();

// EncodePlan and DecodePlan carry a plan through an environment variable
// (one "KEY value" line per item). Paths holding a newline are left out of
// the encoding, so they are not granted.
std::string EncodePlan(const LandlockPlan& plan);
absl::StatusOr<LandlockPlan> DecodePlan(std::string_view text);

// PlanGrants says whether a plan restricting the file system lets `path`
// (absolute, normalised) be used for `access` (kRead, kWrite or kExec): it
// lies in or below one of the plan's paths carrying that right. The same
// rights ApplyLandlock gives each list, so a Decider built on it agrees with
// the kernel.
bool PlanGrants(const LandlockPlan& plan, Access access, std::string_view path);
inline bool PlanGrantsRead(const LandlockPlan& plan, std::string_view path) {
  return PlanGrants(plan, Access::kRead, path);
}

// ExecLoads lists the files the kernel itself opens, and Landlock must let
// read and execute, to exec `file` besides `file`: the "#!" interpreters
// (a chain, as deep as the kernel follows) and the ELF program interpreter
// (the dynamic loader) of the last one. Canonical paths; those that do not
// exist are left out, since the exec then fails with the kernel's ENOENT.
std::vector<std::string> ExecLoads(const std::string& file);

// RealPath is realpath(3) done by the kernel in one open (realpath walks a
// readlink per component): the canonical name of what `path` reaches, and
// its type in `*st` when given; nullopt when it does not resolve.
std::optional<std::string> RealPath(const std::string& path,
                                    struct stat* st = nullptr);

// ApplyLandlock restricts the calling thread (and its future children) as
// `plan` says, using every right the running ABI knows. Paths that do not
// exist are skipped. Call after PR_SET_NO_NEW_PRIVS, before exec.
// FailedPrecondition when the plan needs a feature the kernel lacks.
absl::Status ApplyLandlock(const LandlockPlan& plan);

}  // namespace warden

#endif  // WARDEN_TRACER_LANDLOCK_H_
