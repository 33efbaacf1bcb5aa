#include "tracer/filter.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tracer/unique_fd.h"

namespace warden {
namespace {

// Syscalls that touch only the caller's own memory, fds it already holds,
// its own threads and children, or read-only metadata: no decision needed.
// stat-family probes are here on purpose: they carry no file contents and are
// 60% of a build script's calls (../shared/corpus/FINDINGS.md).
constexpr const char* kAllowed[] = {
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv",
    "pwritev", "preadv2", "pwritev2", "close", "close_range", "fstat",
    "newfstatat", "stat", "lstat", "statx", "lseek", "mmap", "mprotect",
    "munmap", "brk", "mremap", "msync", "madvise", "mincore", "mlock",
    "mlock2", "munlock", "mlockall", "munlockall", "rt_sigaction",
    "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigsuspend",
    "rt_sigtimedwait", "sigaltstack",
    // ioctl: see AddRules (TIOCSTI and TIOCLINUX are refused).
    "access", "faccessat",
    "faccessat2", "pipe", "pipe2", "select", "pselect6", "poll", "ppoll",
    "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
    "epoll_pwait", "epoll_pwait2", "sched_yield", "sched_getaffinity",
    "sched_getparam", "sched_getscheduler",
    "sched_get_priority_max", "sched_get_priority_min", "sched_getattr",
    "sched_rr_get_interval", "dup", "dup2", "dup3", "nanosleep",
    "clock_nanosleep", "getitimer", "setitimer", "alarm", "getpid",
    "gettid", "getppid", "getpgrp", "getpgid", "getsid", "setsid",
    "setpgid", "getuid", "geteuid", "getgid", "getegid", "getgroups",
    "getresuid", "getresgid", "socketpair", "shutdown", "getsockname",
    "getpeername", "getsockopt", "setsockopt", "recvfrom", "recvmsg",
    "recvmmsg", "accept", "accept4", "listen", "fork", "vfork", "exit",
    "exit_group", "wait4", "waitid", "uname", "fcntl", "flock", "fsync",
    "fdatasync", "ftruncate", "getdents", "getdents64", "getcwd", "chdir",
    "fchdir", "readlink", "readlinkat", "umask", "gettimeofday",
    "getrlimit", "setrlimit", "getrusage", "sysinfo", "times",
    "prctl", "arch_prctl", "futex", "futex_waitv", "set_tid_address",
    "set_robust_list", "get_robust_list", "rseq", "getrandom",
    "memfd_create", "eventfd", "eventfd2", "signalfd", "signalfd4",
    "timerfd_create", "timerfd_settime", "timerfd_gettime",
    "timer_create", "timer_settime", "timer_gettime", "timer_getoverrun",
    "timer_delete", "inotify_init", "inotify_init1", "inotify_add_watch",
    "inotify_rm_watch", "fadvise64", "sendfile", "splice", "tee",
    "copy_file_range", "fallocate", "capget", "getcpu", "statfs", "fstatfs",
    "getxattr", "lgetxattr", "fgetxattr", "listxattr", "llistxattr",
    "flistxattr", "time", "clock_gettime", "clock_getres", "getpriority",
    "ioprio_get", "membarrier", "sync",
    "syncfs", "sync_file_range", "readahead", "pause", "restart_syscall",
    "pidfd_open", "waitpid", "mq_getsetattr", "get_mempolicy", "set_mempolicy",
    "mbind", "setuid", "setgid", "setreuid", "setregid", "setresuid",
    "setresgid", "setfsuid", "setfsgid", "setgroups", "capset",
    "landlock_create_ruleset", "landlock_add_rule", "landlock_restrict_self",
    "set_mempolicy_home_node", "cachestat",
    "map_shadow_stack", "statmount", "listmount",
};

// Scheduling and limits act on any process the caller may touch (as root:
// all of them). Their self forms run here; the rest (another pid, a process
// group, a user) go to the supervisor, which allows only the caller's tree.
constexpr const char* kSelfOnly[] = {
    "sched_setaffinity", "sched_setscheduler", "sched_setparam",
    "sched_setattr", "prlimit64",
};
constexpr int kIoprioWhoProcess = 1, kIoprioWhoPgrp = 2;  // linux/ioprio.h

// Syscalls that fail in the kernel. ENOSYS where callers have a fallback
// (glibc's posix_spawn retries clone3 as clone, openat2 users fall back to
// openat); EPERM for the rest. All of them are ways around the supervisor or
// out of the sandbox, and no build script in the corpus uses one.
struct Denied {
  const char* name;
  int error;
};
constexpr Denied kDenied[] = {
    {"clone3", ENOSYS},          {"openat2", ENOSYS},
    {"io_uring_setup", ENOSYS},  {"io_uring_enter", ENOSYS},
    {"io_uring_register", ENOSYS},
    {"open_by_handle_at", EPERM}, {"name_to_handle_at", EOPNOTSUPP},
    {"ptrace", EPERM},           {"process_vm_readv", EPERM},
    {"process_vm_writev", EPERM}, {"process_madvise", EPERM},
    {"pidfd_getfd", EPERM},      {"kcmp", EPERM},
    {"seccomp", EPERM},          {"bpf", EPERM},
    {"perf_event_open", EACCES}, {"keyctl", EPERM},
    {"add_key", EPERM},          {"request_key", EPERM},
    {"userfaultfd", EPERM},      {"unshare", EPERM},
    {"setns", EPERM},            {"mount", EPERM},
    {"umount2", EPERM},          {"pivot_root", EPERM},
    {"chroot", EPERM},           {"fsopen", EPERM},
    {"fsmount", EPERM},          {"fspick", EPERM},
    {"fsconfig", EPERM},         {"move_mount", EPERM},
    {"open_tree", EPERM},        {"mount_setattr", EPERM},
    {"init_module", EPERM},      {"finit_module", EPERM},
    {"delete_module", EPERM},    {"kexec_load", EPERM},
    {"kexec_file_load", EPERM},  {"reboot", EPERM},
    {"swapon", EPERM},           {"swapoff", EPERM},
    {"quotactl", EPERM},         {"quotactl_fd", EPERM},
    {"acct", EPERM},             {"settimeofday", EPERM},
    {"clock_settime", EPERM},    {"clock_adjtime", EPERM},
    {"adjtimex", EPERM},         {"iopl", EPERM},
    {"ioperm", EPERM},           {"lookup_dcookie", EPERM},
    {"vhangup", EPERM},          {"syslog", EPERM},
    {"fanotify_init", EPERM},    {"move_pages", EPERM},
    {"migrate_pages", EPERM},    {"shmget", EPERM},
    {"shmat", EPERM},            {"shmctl", EPERM},
    {"shmdt", EPERM},            {"semget", EPERM},
    {"semop", EPERM},            {"semtimedop", EPERM},
    {"semctl", EPERM},           {"msgget", EPERM},
    {"msgsnd", EPERM},           {"msgrcv", EPERM},
    {"msgctl", EPERM},           {"mq_open", EPERM},
    {"mq_unlink", EPERM},        {"mq_timedsend", EPERM},
    {"mq_timedreceive", EPERM},  {"mq_notify", EPERM},
    {"modify_ldt", EPERM},       {"uselib", EPERM},
    {"ustat", EPERM},            {"sysfs", EPERM},
    {"_sysctl", EPERM},          {"nfsservctl", EPERM},
    {"vserver", EPERM},          {"remap_file_pages", EPERM},
    {"pkey_alloc", ENOSPC},
};

// Namespace flags: clone() with any of them would leave the sandbox's view.
constexpr uint64_t kCloneNamespaceFlags =
    CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
    CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;

struct CtxDeleter {
  void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

absl::Status Add(scmp_filter_ctx ctx, uint32_t action, const char* name,
                 std::initializer_list<scmp_arg_cmp> args = {}) {
  int nr = seccomp_syscall_resolve_name(name);
  if (nr == __NR_SCMP_ERROR) return absl::OkStatus();  // not on this ABI
  int rc = seccomp_rule_add_array(ctx, action, nr, args.size(), args.begin());
  if (rc != 0)
    return absl::InternalError(
        absl::StrCat("seccomp rule for ", name, ": error ", -rc));
  return absl::OkStatus();
}

// AddSelfOnly allows pid 0 (the caller), prlimit64 without a new limit (a
// read), and setpriority / ioprio_set on the caller's process or group (who
// 0), never on a user. Arguments compare as 64 bits: a value with high bits
// set goes to the supervisor, which reads it as the kernel does.
absl::Status AddSelfOnly(scmp_filter_ctx ctx) {
  for (const char* name : kSelfOnly)
    if (absl::Status s = Add(ctx, SCMP_ACT_ALLOW, name, {SCMP_A0(SCMP_CMP_EQ, 0)});
        !s.ok())
      return s;
  if (absl::Status s =
          Add(ctx, SCMP_ACT_ALLOW, "prlimit64", {SCMP_A2(SCMP_CMP_EQ, 0)});
      !s.ok())
    return s;
  for (scmp_datum_t which : {PRIO_PROCESS, PRIO_PGRP})
    if (absl::Status s = Add(ctx, SCMP_ACT_ALLOW, "setpriority",
                             {SCMP_A0(SCMP_CMP_EQ, which), SCMP_A1(SCMP_CMP_EQ, 0)});
        !s.ok())
      return s;
  for (scmp_datum_t which : {kIoprioWhoProcess, kIoprioWhoPgrp})
    if (absl::Status s = Add(ctx, SCMP_ACT_ALLOW, "ioprio_set",
                             {SCMP_A0(SCMP_CMP_EQ, which), SCMP_A1(SCMP_CMP_EQ, 0)});
        !s.ok())
      return s;
  return absl::OkStatus();
}

absl::Status AddRules(scmp_filter_ctx ctx, const FilterOptions& options) {
  for (const char* name : kAllowed)
    if (absl::Status s = Add(ctx, SCMP_ACT_ALLOW, name); !s.ok()) return s;
  for (const Denied& d : kDenied)
    if (absl::Status s = Add(ctx, SCMP_ACT_ERRNO(d.error), d.name); !s.ok())
      return s;
  // ioctl runs, except the two that push input into a terminal: TIOCSTI
  // works on any terminal (not only the controlling one) with CAP_SYS_ADMIN,
  // and the tree inherits the user's terminal as stdin. The kernel reads the
  // command as 32 bits, so the rules look at the low half and only a zero
  // high half is allowed here; other values go to the supervisor.
  for (scmp_datum_t cmd : {TIOCSTI, TIOCLINUX})
    if (absl::Status s = Add(ctx, SCMP_ACT_ERRNO(EPERM), "ioctl",
                             {SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffu, cmd)});
        !s.ok())
      return s;
  if (absl::Status s =
          Add(ctx, SCMP_ACT_ALLOW, "ioctl",
              {SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffff00000000ull, 0)});
      !s.ok())
    return s;
  // Sockets of the three everyday families; netlink, packet and the rest go
  // to the supervisor.
  for (scmp_datum_t family : {AF_UNIX, AF_INET, AF_INET6})
    if (absl::Status s = Add(ctx, SCMP_ACT_ALLOW, "socket",
                             {SCMP_A0(SCMP_CMP_EQ, family)});
        !s.ok())
      return s;
  // sendto without a destination only writes to an already decided peer.
  if (absl::Status s =
          Add(ctx, SCMP_ACT_ALLOW, "sendto", {SCMP_A4(SCMP_CMP_EQ, 0)});
      !s.ok())
    return s;
  if (absl::Status s = Add(ctx, SCMP_ACT_ALLOW, "clone",
                           {SCMP_A0(SCMP_CMP_MASKED_EQ, kCloneNamespaceFlags, 0)});
      !s.ok())
    return s;
  if (absl::Status s = Add(ctx, SCMP_ACT_ERRNO(EPERM), "clone",
                           {SCMP_A0(SCMP_CMP_MASKED_EQ, kCloneNamespaceFlags,
                                    kCloneNamespaceFlags)});
      !s.ok())
    return s;
  // personality(0xffffffff) only queries; setting it (ADDR_NO_RANDOMIZE,
  // READ_IMPLIES_EXEC) changes how the loader maps code.
  if (absl::Status s = Add(ctx, SCMP_ACT_ALLOW, "personality",
                           {SCMP_A0(SCMP_CMP_EQ, 0xffffffffu)});
      !s.ok())
    return s;
  if (absl::Status s = AddSelfOnly(ctx); !s.ok()) return s;
  if (options.signals_scoped) {
    for (const char* name : {"kill", "tkill", "tgkill", "rt_sigqueueinfo",
                             "rt_tgsigqueueinfo", "pidfd_send_signal"})
      if (absl::Status s = Add(ctx, SCMP_ACT_ALLOW, name); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<sock_filter>> BuildFilter(
    const FilterOptions& options) {
  Ctx ctx(seccomp_init(SCMP_ACT_NOTIFY));
  if (!ctx) return absl::InternalError("seccomp_init failed");
  if (seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH,
                       SCMP_ACT_KILL_PROCESS) != 0)
    return absl::InternalError("seccomp: cannot set the bad-ABI action");
  // Do not let libseccomp set NO_NEW_PRIVS or TSYNC: we load the program
  // ourselves, after NO_NEW_PRIVS is set by the caller.
  if (absl::Status s = AddRules(ctx.get(), options); !s.ok()) return s;

  // libseccomp 2.5 writes BPF only to a file descriptor. The program (~350
  // instructions, 2.8 KB) fits in the pipe's buffer, so one thread can do both.
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return absl::InternalError("pipe for seccomp export failed");
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  int rc = seccomp_export_bpf(ctx.get(), write_end.get());
  write_end.reset();  // so the read below ends at the program's end
  std::string bytes;
  char buf[8192];
  ssize_t n;
  while (rc == 0 && (n = read(read_end.get(), buf, sizeof buf)) > 0)
    bytes.append(buf, n);
  if (rc != 0 || bytes.empty() || bytes.size() % sizeof(sock_filter) != 0)
    return absl::InternalError(absl::StrCat("seccomp export failed: ", -rc));
  std::vector<sock_filter> program(bytes.size() / sizeof(sock_filter));
  memcpy(program.data(), bytes.data(), bytes.size());
  return program;
}

namespace {

// Debian's Abseil has a string_view of its own.
absl::string_view OptionsTag(const FilterOptions& options) {
  return options.signals_scoped ? "scoped:" : "unscoped:";
}

}  // namespace

std::string EncodeFilter(const FilterOptions& options,
                         const std::vector<sock_filter>& program) {
  return absl::StrCat(
      OptionsTag(options),
      absl::Base64Escape(absl::string_view(
          reinterpret_cast<const char*>(program.data()),
          program.size() * sizeof(sock_filter))));
}

absl::StatusOr<std::vector<sock_filter>> FilterFor(const FilterOptions& options,
                                                   std::string_view encoded) {
  const absl::string_view tag = OptionsTag(options);
  const absl::string_view text(encoded.data(), encoded.size());
  std::string bytes;
  if (!absl::StartsWith(text, tag) ||
      !absl::Base64Unescape(text.substr(tag.size()), &bytes) ||
      bytes.empty() || bytes.size() % sizeof(sock_filter) != 0 ||
      bytes.size() / sizeof(sock_filter) > BPF_MAXINSNS)
    return BuildFilter(options);
  std::vector<sock_filter> program(bytes.size() / sizeof(sock_filter));
  memcpy(program.data(), bytes.data(), bytes.size());
  return program;
}

std::string SyscallName(int nr) {
  char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
  if (name == nullptr) return absl::StrCat("syscall_", nr);
  std::string result(name);
  free(name);
  return result;
}

}  // namespace warden
