// Supervisor: runs one program (a build script) under the seccomp filter and
// answers every request the filter sends it, until the whole process tree has
// exited.
//
//   warden::EventLog log;
//   MyDecider decider;                    // policy -> yes/no
//   absl::StatusOr<RunResult> r = RunSupervised(spec, decider, log);
//
// File requests are emulated: the supervisor resolves and opens the file
// itself, decides on the object it actually holds, and hands the descriptor
// over with SECCOMP_IOCTL_NOTIF_ADDFD, so no path can change between the
// decision and the use. Not thread-safe: one supervisor per process.
#ifndef WARDEN_TRACER_SUPERVISOR_H_
#define WARDEN_TRACER_SUPERVISOR_H_

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "tracer/event.h"
#include "tracer/landlock.h"

namespace warden {

// Decider is the policy side of the supervisor: asked once per request.
class Decider {
 public:
  virtual ~Decider() = default;
  // Decide returns true to allow `event` (whose `allowed` field is not yet
  // set). `requested` is the path as the program named it, made absolute.
  // kRename and kLink name a second path in `detail` (the destination, the
  // existing file): allow only if both may be written, or a rename or hard
  // link would move a file across the policy's boundary.
  virtual bool Decide(const Event& event, std::string_view requested) = 0;
  // AllowsOtherProcess is asked instead of Decide for /proc/<pid> of a
  // process outside the sandboxed tree (`event.detail` is kOtherProcess).
  // Refused unless a Decider knows better: cargo's environ holds tokens.
  virtual bool AllowsOtherProcess(const Event& /*event*/,
                                  std::string_view /*requested*/) {
    return false;
  }
  // RefusalError is the errno a refused `event` fails with: EACCES, or
  // what the Decider answers instead (ENOENT: as if the file were not
  // there). Any other value than EACCES is recorded as the event's error.
  virtual int RefusalError(const Event& /*event*/) { return EACCES; }
};

// EventLog collects events in memory, folding identical ones into a count so
// a million loader probes cost a few hundred entries.
class EventLog {
 public:
  void Add(const Event& event);
  // Events returns the folded events in first-seen order.
  std::vector<Event> Events() const;
  size_t size() const { return order_.size(); }

 private:
  using Key = std::tuple<Op, std::string, std::string, bool, int>;
  absl::flat_hash_map<Key, size_t> index_;
  std::vector<Event> order_;
};

struct SandboxSpec {
  std::string program;             // absolute path of the binary to run
  std::vector<std::string> argv;   // argv[0] included
  // "NAME=value", the complete environment (the tree gets it through
  // WithoutLegacyHwcapsSearch and WithoutUnneededLibraryPaths).
  std::vector<std::string> env;
  LandlockPlan landlock;
  // Where the build the tree belongs to writes its outputs (cargo's target
  // dir, for a build script): LD_LIBRARY_PATH entries below them stay only
  // if `program` needs a library there (WithoutUnneededLibraryPaths).
  std::vector<std::string> build_output_dirs;
  // Descriptors besides 0, 1, 2 the program may inherit, e.g. the jobserver
  // pipe. Every other one closes at exec: what cargo or the user's shell left
  // open would otherwise be readable past Landlock, which checks only opens.
  std::vector<int> keep_fds;
  // Set when `landlock` grants exactly what the Decider allows (no more):
  // then an allowed open or create is answered with CONTINUE and the kernel,
  // which re-checks the object it reaches at use, opens it itself. Saves
  // the fd hand-over, and no path swapped in after the decision can reach
  // more than the Decider would have allowed.
  bool kernel_rechecks_opens = false;
  // Set when everything `landlock` lets the kernel read is a file the
  // Decider lets read (policy/sandbox_plan.h ExactBuildScriptPlan): then an
  // allowed read-only open of a file the plan's rules cover is answered with
  // CONTINUE. Writes are still performed by the supervisor.
  bool kernel_rechecks_reads = false;
  // The Decider's answer always holds. Beyond it, learn mode lets unknown
  // syscalls, other sockets and /proc of outsiders through (recorded); in
  // enforce mode they fail and are recorded as denied.
  bool enforce = false;
  // The seccomp program as EncodeFilter wrote it (tracer/filter.h), from
  // whoever built it for this run; empty, or built for other options: the
  // supervisor builds its own.
  std::string encoded_filter;
  // Set under contained learn, whose Decider refuses reads and connects
  // although `enforce` is false: the supervisor then opens files and
  // connects sockets itself as under enforce (and refuses datagrams that
  // name their own destination), so nothing swapped in after the decision
  // reaches what was refused; and asks it about other processes' /proc, as
  // enforce does, instead of letting those reads through.
  bool decider_confines = false;
};

struct RunResult {
  int exit_status = 0;         // exit code, or 128 + signal number
  uint64_t notifications = 0;  // requests handled
  int64_t peak_rss_kb = 0;     // the supervisor's own peak RSS
  std::vector<CallCost> costs;  // per syscall and answer, most calls first
};

// KernelSupport checks the kernel features the supervisor needs (seccomp user
// notification, pidfd_getfd) and returns FailedPrecondition
// naming what is missing.
absl::Status KernelSupport();

// WithoutLegacyHwcapsSearch is `env` with glibc.cpu.hwcap_mask=0 added to
// GLIBC_TUNABLES (a mask already there is kept). glibc before 2.37 looks for
// every library a program loads in 15 legacy subdirectories (tls, haswell,
// avx512_1, x86_64 and their nestings) of each LD_LIBRARY_PATH entry, which
// cargo sets for build scripts: each look is an open the supervisor
// answers. The mask leaves 3 of them (tls, the platform's, both). glibc
// 2.37 dropped that search, so a program loads what it would load there.
std::vector<std::string> WithoutLegacyHwcapsSearch(
    const std::vector<std::string>& env);

// WithoutUnneededLibraryPaths is `env` less the LD_LIBRARY_PATH entries at
// or below one of `output_dirs` that hold none of the libraries `program`
// names (DT_NEEDED). cargo puts target/debug/deps and target/debug first in
// every build script's LD_LIBRARY_PATH, for the dylibs the script itself
// links; each library each program of the tree loads is otherwise looked
// for there first, in vain, an open each for the supervisor. What else is
// in them depends on how far cargo's other jobs have got, so only what
// `program` needs, built before it runs, decides. `env` is returned as it
// is when `program` is no 64-bit ELF file.
std::vector<std::string> WithoutUnneededLibraryPaths(
    const std::vector<std::string>& env,
    const std::vector<std::string>& output_dirs, const std::string& program);

// RunSupervised forks, confines the child (new session, no_new_privs,
// Landlock, seccomp filter) and execs spec.program in it, then serves
// notifications until the tree is gone. Descendants that outlive the program
// are killed. If the supervisor dies, the child is killed (PDEATHSIG) and
// trapped calls of any survivor fail.
absl::StatusOr<RunResult> RunSupervised(const SandboxSpec& spec,
                                        Decider& decider, EventLog& log);

}  // namespace warden

#endif  // WARDEN_TRACER_SUPERVISOR_H_
