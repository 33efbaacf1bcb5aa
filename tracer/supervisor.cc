#include "tracer/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "tracer/child.h"
#include "tracer/filter.h"
#include "tracer/supervisor_internal.h"
#include "tracer/tracee.h"
#include "tracer/unique_fd.h"

namespace warden {

// ---------------------------------------------------------------------------
// EventLog

void EventLog::Add(const Event& event) {
  Key key{event.op, event.target, event.detail, event.allowed, event.error};
  auto [it, inserted] = index_.try_emplace(std::move(key), order_.size());
  if (inserted) {
    order_.push_back(event);
  } else {
    order_[it->second].count += event.count;
  }
}

std::vector<Event> EventLog::Events() const { return order_; }

namespace internal {
namespace {

// SameCpu keeps a tracee thread and the calling thread on the caller's CPU
// while it lives. An ADDFD is a round trip: the kernel wakes the tracee to
// install the fd, then wakes the supervisor. With an idle second CPU the
// scheduler wakes each on the other CPU, and two cross-CPU wake-ups cost
// ~40 us of the ~70 an emulated open takes on this machine kind
// (bench/microbench: 70 -> 28 us). Best effort: nothing changes when the
// tracee may not run on this CPU.
class SameCpu {
 public:
  // `own` is the calling thread's mask, to restore afterwards; no pin
  // without it.
  SameCpu(pid_t tid, const cpu_set_t* own) : tid_(tid), own_cpus_(own) {
    int cpu = sched_getcpu();
    if (own == nullptr || cpu < 0 ||
        sched_getaffinity(tid_, sizeof tracee_cpus_, &tracee_cpus_) != 0 ||
        !CPU_ISSET(cpu, &tracee_cpus_))
      return;
    cpu_set_t here;
    CPU_ZERO(&here);
    CPU_SET(cpu, &here);
    if (sched_setaffinity(tid_, sizeof here, &here) != 0) return;
    sched_setaffinity(0, sizeof here, &here);
    pinned_ = true;
  }
  ~SameCpu() {
    if (!pinned_) return;
    sched_setaffinity(tid_, sizeof tracee_cpus_, &tracee_cpus_);
    sched_setaffinity(0, sizeof *own_cpus_, own_cpus_);
  }
  SameCpu(const SameCpu&) = delete;
  SameCpu& operator=(const SameCpu&) = delete;

 private:
  pid_t tid_;
  const cpu_set_t* own_cpus_;
  cpu_set_t tracee_cpus_;
  bool pinned_ = false;
};

// AnswerName names how a call was answered, for CallCost.
const char* AnswerName(Reply::Kind kind) {
  switch (kind) {
    case Reply::kContinue:
      return "continue";
    case Reply::kError:
      return "error";
    case Reply::kValue:
      return "emulated";
    case Reply::kAnswered:
      break;
  }
  return "gone";
}

// Fd reads a syscall argument as the kernel reads a descriptor: 32 bits.
int Fd(uint64_t arg) { return static_cast<int>(arg); }

}  // namespace

// ---------------------------------------------------------------------------
// The loop

absl::StatusOr<int> Supervisor::Serve(uint64_t& notifications) {
  UniqueFd child_fd(static_cast<int>(syscall(SYS_pidfd_open, child_, 0)));
  if (!child_fd.valid())
    return absl::InternalError(absl::StrCat("pidfd_open: ", strerror(errno)));
  int status = -1;
  bool child_done = false;
  for (;;) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {child_fd.get(), POLLIN, 0}};
    int nfds = child_done ? 1 : 2;
    if (poll(fds, nfds, -1) < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(absl::StrCat("poll: ", strerror(errno)));
    }
    if (fds[0].revents & POLLIN) {
      seccomp_notif req;
      // The kernel rejects a receive buffer that is not zeroed.
      memset(&req, 0, sizeof req);
      if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0) {
        ++notifications;
        const auto started = std::chrono::steady_clock::now();
        Reply reply = Handle(req);
        // Up to the answer: answering wakes the caller on this CPU, and
        // what it then runs would be counted as ours.
        auto& [calls, nanos] = costs_[{req.data.nr, reply.kind}];
        ++calls;
        nanos += std::chrono::duration_cast<std::chrono::nanoseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count();
        if (reply.kind != Reply::kAnswered) Respond(req, reply);
      }
      continue;
    }
    if (!child_done && (fds[1].revents & POLLIN)) {
      int raw;
      if (waitpid(child_, &raw, 0) == child_) {
        status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
      }
      child_done = true;
      // The build script is over: whatever it left behind (daemons, double
      // forks, setsid) dies with it.
      KillDescendants();
      continue;
    }
    if (fds[0].revents & (POLLHUP | POLLERR)) break;
  }
  if (!child_done) {
    int raw;
    if (waitpid(child_, &raw, 0) == child_)
      status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  }
  KillDescendants();
  return status;
}

std::vector<CallCost> Supervisor::Costs() const {
  std::vector<CallCost> costs;
  for (const auto& [key, value] : costs_) {
    costs.push_back({SyscallName(key.first), AnswerName(key.second),
                     value.first, value.second});
  }
  std::sort(costs.begin(), costs.end(), [](const CallCost& a, const CallCost& b) {
    return std::tie(b.calls, a.syscall, a.answer) <
           std::tie(a.calls, b.syscall, b.answer);
  });
  return costs;
}

void Supervisor::KillDescendants() {
  // As a child subreaper, every orphan of the tree is our child.
  for (int round = 0; round < 100; ++round) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", self_, self_);
    UniqueFile f(fopen(path, "re"));
    bool any = false;
    int pid;
    while (f != nullptr && fscanf(f.get(), "%d", &pid) == 1) {
      kill(pid, SIGKILL);
      any = true;
    }
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (!any) return;
    usleep(1000);
  }
}

void Supervisor::Respond(const seccomp_notif& n, const Reply& reply) {
  seccomp_notif_resp resp;
  memset(&resp, 0, sizeof resp);
  resp.id = n.id;
  switch (reply.kind) {
    case Reply::kContinue:
      resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      break;
    case Reply::kError:
      resp.error = -static_cast<int32_t>(reply.value);
      break;
    case Reply::kValue:
      resp.val = reply.value;
      break;
    case Reply::kAnswered:
      return;
  }
  // ENOENT: the caller died or was interrupted meanwhile; nothing to do.
  ioctl(listener_, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

// The fd goes in first and the answer after, not atomically (ADDFD_FLAG_SEND):
// the caller must not run on until SameCpu has given its CPU mask back. The
// price: a signal landing between the two leaves the caller an fd it does not
// know of, to a file it was allowed to open exactly so.
Reply Supervisor::SendFd(const seccomp_notif& n, int fd, bool cloexec) {
  seccomp_notif_addfd addfd;
  memset(&addfd, 0, sizeof addfd);
  addfd.id = n.id;
  addfd.srcfd = static_cast<__u32>(fd);
  addfd.newfd_flags = cloexec ? O_CLOEXEC : 0;
  int rc, error;
  {
    SameCpu pin(static_cast<pid_t>(n.pid), own_cpus_known_ ? &own_cpus_ : nullptr);
    rc = ioctl(listener_, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
    error = errno;
  }
  // ENOENT: the caller died or was interrupted meanwhile.
  if (rc < 0) return error == ENOENT ? Reply::Answered() : Reply::Error(error);
  return Reply::Value(rc);
}

// ---------------------------------------------------------------------------
// Dispatch

Reply Supervisor::Handle(const seccomp_notif& n) {
  if (std::optional<Reply> reply = FileCall(n)) return *reply;
  if (std::optional<Reply> reply = MetadataCall(n)) return *reply;
  if (std::optional<Reply> reply = SocketOrProcessCall(n)) return *reply;
  return Unknown(n);
}

std::optional<Reply> Supervisor::FileCall(const seccomp_notif& n) {
  const auto& a = n.data.args;
  switch (n.data.nr) {
    case SYS_open:
      return Open(n, AT_FDCWD, a[0], Fd(a[1]), static_cast<mode_t>(a[2]));
    case SYS_openat:
      return Open(n, Fd(a[0]), a[1], Fd(a[2]), static_cast<mode_t>(a[3]));
    case SYS_creat:
      return Open(n, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC,
                  static_cast<mode_t>(a[1]));
    case SYS_execve:
      return Exec(n, AT_FDCWD, a[0], a[1], 0);
    case SYS_execveat:
      return Exec(n, Fd(a[0]), a[1], a[2], Fd(a[4]));
    case SYS_unlink:
      return NameOp(n, Op::kUnlink, AT_FDCWD, a[0], 0);
    case SYS_unlinkat:
      return NameOp(n, (a[2] & AT_REMOVEDIR) ? Op::kRmdir : Op::kUnlink,
                    Fd(a[0]), a[1], 0);
    case SYS_rmdir:
      return NameOp(n, Op::kRmdir, AT_FDCWD, a[0], 0);
    case SYS_mkdir:
      return NameOp(n, Op::kMkdir, AT_FDCWD, a[0], a[1]);
    case SYS_mkdirat:
      return NameOp(n, Op::kMkdir, Fd(a[0]), a[1], a[2]);
    case SYS_mknod:
      return NameOp(n, Op::kCreate, AT_FDCWD, a[0], a[1]);
    case SYS_mknodat:
      return NameOp(n, Op::kCreate, Fd(a[0]), a[1], a[2]);
    case SYS_rename:
      return Rename(n, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
    case SYS_renameat:
      return Rename(n, Fd(a[0]), a[1], Fd(a[2]), a[3], 0);
    case SYS_renameat2:
      return Rename(n, Fd(a[0]), a[1], Fd(a[2]), a[3],
                    static_cast<unsigned>(a[4]));
    case SYS_link:
      return Link(n, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
    case SYS_linkat:
      return Link(n, Fd(a[0]), a[1], Fd(a[2]), a[3], Fd(a[4]));
    case SYS_symlink:
      return Symlink(n, a[0], AT_FDCWD, a[1]);
    case SYS_symlinkat:
      return Symlink(n, a[0], Fd(a[1]), a[2]);
    default:
      return std::nullopt;
  }
}

std::optional<Reply> Supervisor::MetadataCall(const seccomp_notif& n) {
  const auto& a = n.data.args;
  switch (n.data.nr) {
    case SYS_chmod:
      return MetaOp(n, Op::kChmod, AT_FDCWD, a[0], false);
    case SYS_fchmodat:
      return MetaOp(n, Op::kChmod, Fd(a[0]), a[1], false);
    case SYS_chown:
      return MetaOp(n, Op::kChown, AT_FDCWD, a[0], false);
    case SYS_lchown:
      return MetaOp(n, Op::kChown, AT_FDCWD, a[0], true);
    case SYS_fchownat:
      return MetaOp(n, Op::kChown, Fd(a[0]), a[1],
                    (a[4] & AT_SYMLINK_NOFOLLOW) != 0);
    case SYS_truncate:
      return MetaOp(n, Op::kTruncate, AT_FDCWD, a[0], false);
    case SYS_utime:
    case SYS_utimes:
      return MetaOp(n, Op::kUtime, AT_FDCWD, a[0], false);
    case SYS_futimesat:
      return MetaOp(n, Op::kUtime, Fd(a[0]), a[1], false);
    case SYS_utimensat:
      if (a[1] == 0) return FdMetaOp(n, Op::kUtime, Fd(a[0]));
      return MetaOp(n, Op::kUtime, Fd(a[0]), a[1],
                    (a[3] & AT_SYMLINK_NOFOLLOW) != 0);
    case SYS_setxattr:
    case SYS_removexattr:
      return MetaOp(n, Op::kXattr, AT_FDCWD, a[0], false);
    case SYS_lsetxattr:
    case SYS_lremovexattr:
      return MetaOp(n, Op::kXattr, AT_FDCWD, a[0], true);
    case SYS_fchmod:
      return FdMetaOp(n, Op::kChmod, Fd(a[0]));
    case SYS_fsetxattr:
    case SYS_fremovexattr:
      return FdMetaOp(n, Op::kXattr, Fd(a[0]));
    case SYS_fchown:
      return FdMetaOp(n, Op::kChown, Fd(a[0]));
    default:
      return std::nullopt;
  }
}

std::optional<Reply> Supervisor::SocketOrProcessCall(const seccomp_notif& n) {
  const auto& a = n.data.args;
  switch (n.data.nr) {
    case SYS_connect:
      return Network(n, Op::kConnect, Fd(a[0]), a[1],
                     static_cast<socklen_t>(a[2]));
    case SYS_bind:
      return Network(n, Op::kBind, Fd(a[0]), a[1],
                     static_cast<socklen_t>(a[2]));
    case SYS_sendto:
      return Network(n, Op::kConnect, Fd(a[0]), a[4],
                     static_cast<socklen_t>(a[5]));
    case SYS_sendmsg:
    case SYS_sendmmsg:
      return SendMsg(n);
    case SYS_socket:
      return Socket(n);
    case SYS_ioctl:
      return Ioctl(n);
    case SYS_kill:
    case SYS_rt_sigqueueinfo:
    case SYS_tkill:
    case SYS_tgkill:
    case SYS_rt_tgsigqueueinfo:
      return Signal(n, static_cast<pid_t>(a[0]));
    case SYS_setpriority:
    case SYS_ioprio_set:
      return Scheduling(n);
    case SYS_sched_setaffinity:
    case SYS_sched_setscheduler:
    case SYS_sched_setparam:
    case SYS_sched_setattr:
    case SYS_prlimit64:
      return SchedulingPid(n, static_cast<pid_t>(a[0]));
    default:
      return std::nullopt;
  }
}

bool Supervisor::Decide(const seccomp_notif& n, Event& event,
                        std::string_view requested) {
  bool allowed;
  // /proc/N of a process outside the sandboxed tree (cargo's environ holds
  // tokens; the supervisor's fds hold the database) is not granted by what
  // the policy says about /proc/self; the Decider may allow a few public
  // files (ps-style process stats) that the policy names explicitly.
  // Both names count: /proc/<pid>/fd/N, cwd, root and exe lead out of
  // /proc, to objects the outsider holds (deleted files, unreachable names).
  if (Outsider(n, event.target) || Outsider(n, requested)) {
    if (event.detail.empty()) event.detail = std::string(kOtherProcess);
    allowed = (!spec_.enforce && !spec_.decider_confines) ||
              decider_.AllowsOtherProcess(event, requested);
  } else {
    // Plain learn's Decider allows all but warden's own files; contained
    // learn's fences more (policy/contained.h).
    allowed = decider_.Decide(event, requested);
  }
  event.allowed = allowed;
  if (!allowed) {
    if (const int error = decider_.RefusalError(event); error != EACCES)
      event.error = error;
    Record(event);
  }
  return allowed;
}


// ---------------------------------------------------------------------------
// Requests that are neither files nor sockets

Reply Supervisor::Signal(const seccomp_notif& n, pid_t target) {
  // Only reached when Landlock cannot scope signals (ABI < 6).
  bool inside = target > 0 && (target == static_cast<pid_t>(n.pid) ||
                               InTree(target));
  if (target == 0) inside = true;  // own process group: the tree's session
  if (inside) return Reply::Continue();
  Event event = Ev(Op::kSignal, absl::StrCat("pid:", target));
  event.allowed = !spec_.enforce;
  Record(event);
  return spec_.enforce ? Reply::Error(EPERM) : Reply::Continue();
}

// The kernel reads `which` and `who` as 32-bit ints, and so do we.
Reply Supervisor::Scheduling(const seccomp_notif& n) {
  const bool io = n.data.nr == SYS_ioprio_set;
  // linux/ioprio.h: IOPRIO_WHO_PROCESS, IOPRIO_WHO_PGRP, IOPRIO_WHO_USER.
  const int process = io ? 1 : PRIO_PROCESS, group = io ? 2 : PRIO_PGRP,
            user = io ? 3 : PRIO_USER;
  const int which = static_cast<int>(n.data.args[0]);
  const int who = static_cast<int>(n.data.args[1]);
  if (which == process) return SchedulingPid(n, who);
  // The caller's own group (0) lies in the tree's session; another group, or
  // a user, may hold processes outside the tree.
  if (which == group && who == 0) return Reply::Continue();
  if (which == group) return OtherProcess(n, absl::StrCat("pgrp:", who));
  if (which == user) return OtherProcess(n, absl::StrCat("user:", who));
  return OtherProcess(n, absl::StrCat("which:", which));
}

Reply Supervisor::SchedulingPid(const seccomp_notif& n, pid_t target) {
  if (target == 0 || target == static_cast<pid_t>(n.pid) ||
      (target > 0 && InTree(target)))
    return Reply::Continue();
  return OtherProcess(n, absl::StrCat("pid:", target));
}

// As Signal: learn records and lets it run, enforce refuses.
Reply Supervisor::OtherProcess(const seccomp_notif& n, std::string detail) {
  Event event = Ev(Op::kSyscall, SyscallName(n.data.nr), std::move(detail));
  event.allowed = !spec_.enforce;
  Record(event);
  return spec_.enforce ? Reply::Error(EPERM) : Reply::Continue();
}

// Only ioctls whose command has high bits set get here (the filter decides
// the rest); the kernel ignores those bits.
Reply Supervisor::Ioctl(const seccomp_notif& n) {
  const unsigned cmd = static_cast<unsigned>(n.data.args[1]);
  if (cmd != TIOCSTI && cmd != TIOCLINUX) return Reply::Continue();
  Event event = Ev(Op::kSyscall, "ioctl", cmd == TIOCSTI ? "TIOCSTI" : "TIOCLINUX");
  event.allowed = false;
  event.error = EPERM;
  Record(event);
  return Reply::Error(EPERM);
}

Reply Supervisor::Unknown(const seccomp_notif& n) {
  Event event = Ev(Op::kSyscall, SyscallName(n.data.nr));
  event.allowed = !spec_.enforce;
  Record(event);
  return spec_.enforce ? Reply::Error(ENOSYS) : Reply::Continue();
}

}  // namespace internal

namespace {

using internal::RunChild;
using internal::Supervisor;

// Newer than Debian 12's 6.1 headers.
constexpr unsigned long kNotifSetFlags = SECCOMP_IOW(4, __u64);
constexpr __u64 kSyncWakeUp = 1;  // SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 6.6

// PeakRssKb is this process image's peak RSS (VmHWM). Not getrusage's
// ru_maxrss: Linux carries that across execve, so it would report cargo's
// RSS, which the forked shim script inherited.
int64_t PeakRssKb() {
  UniqueFile f(fopen("/proc/self/status", "re"));
  if (f == nullptr) return 0;
  char line[256];
  long long kb = 0;
  while (fgets(line, sizeof line, f.get()) != nullptr)
    if (sscanf(line, "VmHWM: %lld kB", &kb) == 1) break;
  return kb;
}

}  // namespace

absl::Status KernelSupport() {
  // A filter with a listener may only be installed with NO_NEW_PRIVS, which
  // we do not want on the calling process: probe the API instead.
  uint32_t action = SECCOMP_RET_USER_NOTIF;
  long rc = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
  if (rc != 0)
    return absl::FailedPreconditionError(
        "the kernel lacks seccomp user notification (needs Linux >= 5.19 "
        "with CONFIG_SECCOMP_FILTER)");
  if (syscall(SYS_pidfd_getfd, -1, 0, 0) < 0 && errno == ENOSYS)
    return absl::FailedPreconditionError(
        "the kernel lacks pidfd_getfd (needs Linux >= 5.6)");
  return absl::OkStatus();
}

absl::StatusOr<RunResult> RunSupervised(const SandboxSpec& spec,
                                        Decider& decider, EventLog& log) {
  if (absl::Status s = KernelSupport(); !s.ok()) return s;
  FilterOptions options;
  options.signals_scoped = spec.landlock.scope;
  absl::StatusOr<std::vector<sock_filter>> program =
      FilterFor(options, spec.encoded_filter);
  if (!program.ok()) return program.status();

  // Orphans of the tree become our children, so we can kill them at the end.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0)
    return absl::InternalError(absl::StrCat("pipe: ", strerror(errno)));
  UniqueFd report_read(pipe_fds[0]), report_write(pipe_fds[1]);
  // Built before the fork: the child only execs.
  std::vector<std::string> env = WithoutUnneededLibraryPaths(
      WithoutLegacyHwcapsSearch(spec.env), spec.build_output_dirs,
      spec.program);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t parent = getpid();
  pid_t child = fork();
  if (child < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  if (child == 0) RunChild(spec, envp.data(), *program, report_write.get(), parent);
  report_write.reset();

  char buf[512];
  ssize_t got = read(report_read.get(), buf, sizeof buf - 1);
  if (got <= 0 || buf[0] != 'L') {
    int raw;
    waitpid(child, &raw, 0);
    std::string why = got > 1 ? std::string(buf + 1, got - 1) : "child exited";
    return absl::FailedPreconditionError(
        absl::StrCat("cannot confine ", spec.program, ": ", why));
  }
  buf[got] = '\0';
  int child_listener = atoi(buf + 1);
  UniqueFd listener = TakeFd(child, child_listener);
  if (!listener.valid()) {
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    return absl::InternalError(
        absl::StrCat("pidfd_getfd of the seccomp listener: ", strerror(errno)));
  }
  // Best effort (Linux >= 6.6): wake the supervisor on the CPU of the
  // notifying task; the flag is passed by value, not by pointer.
  ioctl(listener.get(), kNotifSetFlags, kSyncWakeUp);

  RunResult result;
  Supervisor supervisor(spec, decider, log, listener.get(), child);
  absl::StatusOr<int> status = supervisor.Serve(result.notifications);
  if (!status.ok()) {
    kill(child, SIGKILL);
    return status.status();
  }
  result.exit_status = *status;
  result.peak_rss_kb = PeakRssKb();
  result.costs = supervisor.Costs();
  return result;
}

}  // namespace warden

