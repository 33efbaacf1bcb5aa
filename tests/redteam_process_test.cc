// Red-team: the supervisor's process, outliving the build script, other
// processes' scheduling, and failing closed when the supervisor dies.
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/redteam_util.h"
#include "tracer/supervisor.h"
#include "tracer/tracee.h"

namespace warden::redteam {
namespace {

// SignalPending says whether `sig` waits to be delivered to this process.
bool SignalPending(int sig) {
  sigset_t set;
  sigemptyset(&set);
  return sigpending(&set) == 0 && sigismember(&set, sig) == 1;
}

// --- The supervisor's process ------------------------------------------------

TEST_F(RedTeam, ParentEnviron) {
  Outcome o = Run("proc_environ");
  ExpectNothingEscaped(o, "proc_environ");
  std::string environ = absl::StrCat("/proc/", getpid(), "/environ");
  EXPECT_TRUE(Contains(o.output, "FAIL proc-ppid-environ errno=2")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, environ)) << Dump(o);
}

TEST_F(RedTeam, ParentMem) {
  Outcome o = Run("proc_mem");
  ExpectNothingEscaped(o, "proc_mem");
  EXPECT_TRUE(Contains(o.output, "FAIL proc-ppid-mem errno=2")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, absl::StrCat("/proc/", getpid(), "/mem")))
      << Dump(o);
}

TEST_F(RedTeam, ParentFd) {
  Outcome o = Run("proc_fd");
  ExpectNothingEscaped(o, "proc_fd");
  EXPECT_TRUE(Contains(o.output, "FAIL proc-ppid-fd errno=2")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

TEST_F(RedTeam, PtraceParent) {  // filter: ERRNO(EPERM)
  Outcome o = Run("ptrace");
  ExpectNothingEscaped(o, "ptrace");
  EXPECT_TRUE(Contains(o.output, "FAIL ptrace-attach errno=1")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL ptrace-seize errno=1")) << Dump(o);
}

TEST_F(RedTeam, ProcessVmReadvAndPidfdGetfd) {  // filter: ERRNO(EPERM)
  Outcome o = Run("vm_readv");
  ExpectNothingEscaped(o, "vm_readv");
  EXPECT_TRUE(Contains(o.output, "FAIL process_vm_readv errno=1")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL pidfd_getfd errno=1")) << Dump(o);
}

volatile sig_atomic_t g_sigusr2 = 0;

TEST_F(RedTeam, KillParent) {  // Landlock signal scoping
  struct sigaction sa {}, old {};
  sa.sa_handler = [](int) { g_sigusr2 = g_sigusr2 + 1; };
  ASSERT_EQ(sigaction(SIGUSR2, &sa, &old), 0);
  g_sigusr2 = 0;
  Outcome o = Run("kill_parent");
  // The tree is gone: whatever it sent is delivered or still pending.
  EXPECT_TRUE(WaitFor([] { return !SignalPending(SIGUSR2); },
                      std::chrono::seconds(1)))
      << "a signal for the supervisor is pending";
  sigaction(SIGUSR2, &old, nullptr);
  EXPECT_EQ(g_sigusr2, 0) << "a signal (kill or SIGIO) reached the supervisor";
  ExpectNothingEscaped(o, "kill_parent");  // and we are still alive
  EXPECT_TRUE(Contains(o.output, "FAIL kill-parent errno=1")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL tgkill-parent errno=1")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL pidfd_send_signal-parent errno=1"))
      << Dump(o);
}

TEST_F(RedTeam, KillEverything) {  // Landlock signal scoping
  Outcome o = Run("kill_all");
  ExpectNothingEscaped(o, "kill_all");
  EXPECT_TRUE(Contains(o.output, "alive after kill(-1)")) << Dump(o);
}

// --- Outliving the build script -------------------------------------------------

TEST_F(RedTeam, DoubleForkDaemon) {
  Outcome o = Run("daemon");
  // The daemon sleeps 2 s after the script exits, then writes: wait for it
  // to be gone.
  AwaitGone(PidAfter(o.output, "DAEMON pid="));
  o.output = ReadAll(allowed_ + "/out.txt");
  ExpectNothingEscaped(o, "daemon");
  EXPECT_TRUE(Contains(o.output, "DAEMON pid=")) << Dump(o);
  EXPECT_FALSE(Contains(o.output, "DAEMON_ALIVE")) << Dump(o);
}

TEST_F(RedTeam, SetsidDaemon) {
  Outcome o = Run("daemon_setsid");
  AwaitGone(PidAfter(o.output, "DAEMON pid="));
  o.output = ReadAll(allowed_ + "/out.txt");
  ExpectNothingEscaped(o, "daemon_setsid");
  EXPECT_TRUE(Contains(o.output, "DAEMON pid=")) << Dump(o);
  EXPECT_FALSE(Contains(o.output, "DAEMON_ALIVE")) << Dump(o);
}

// --- Other processes ------------------------------------------------------------

// What a process's scheduling looks like from outside: nice, CPU mask, open
// files limit, scheduling policy, I/O priority.
struct SchedState {
  int nice = -100;
  cpu_set_t cpus;
  rlim_t nofile_soft = 0, nofile_hard = 0;
  int policy = -1;
  long ioprio = -1;

  bool operator==(const SchedState& o) const {
    return nice == o.nice && CPU_EQUAL(&cpus, &o.cpus) &&
           nofile_soft == o.nofile_soft && nofile_hard == o.nofile_hard &&
           policy == o.policy && ioprio == o.ioprio;
  }
  std::string Describe() const {
    return absl::StrCat("nice=", nice, " cpus=", CPU_COUNT(&cpus), " nofile=",
                        nofile_soft, "/", nofile_hard, " policy=", policy,
                        " ioprio=", ioprio);
  }
};

SchedState StateOf(pid_t pid) {
  SchedState s;
  // "pid (comm) state ppid …": nice is field 19, the 17th after ')'.
  std::string stat = ReadAll(absl::StrCat("/proc/", pid, "/stat"));
  size_t paren = stat.rfind(')');
  if (paren != std::string::npos) {
    std::vector<std::string> fields =
        absl::StrSplit(stat.substr(paren + 2), ' ', absl::SkipEmpty());
    if (fields.size() > 16 && !absl::SimpleAtoi(fields[16], &s.nice)) s.nice = -100;
  }
  CPU_ZERO(&s.cpus);
  sched_getaffinity(pid, sizeof s.cpus, &s.cpus);
  rlimit lim{};
  if (prlimit(pid, RLIMIT_NOFILE, nullptr, &lim) == 0) {
    s.nofile_soft = lim.rlim_cur;
    s.nofile_hard = lim.rlim_max;
  }
  s.policy = sched_getscheduler(pid);
  s.ioprio = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, pid);
  return s;
}

// StartOutsider starts a process that is not a descendant of this one (the
// supervisor), like any other process of the user: a double fork with the
// subreaper flag off, so it is reparented away. It runs as `uid`.
pid_t StartOutsider(uid_t uid) {
  int was_subreaper = 0;
  prctl(PR_GET_CHILD_SUBREAPER, &was_subreaper);
  prctl(PR_SET_CHILD_SUBREAPER, 0);
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) return -1;
  pid_t mid = fork();
  if (mid == 0) {
    if (fork() == 0) {
      setsid();  // its own process group, for PRIO_PGRP
      if (uid != getuid() &&
          (setgroups(0, nullptr) != 0 || setresgid(uid, uid, uid) != 0 ||
           setresuid(uid, uid, uid) != 0))
        _exit(1);
      pid_t self = getpid();
      (void)!write(p[1], &self, sizeof self);
      close(p[1]);
      for (;;) pause();
    }
    _exit(0);
  }
  close(p[1]);
  pid_t outsider = -1;
  if (mid > 0) {
    waitpid(mid, nullptr, 0);
    if (read(p[0], &outsider, sizeof outsider) != sizeof outsider) outsider = -1;
  }
  close(p[0]);
  prctl(PR_SET_CHILD_SUBREAPER, was_subreaper);
  return outsider;
}

// setpriority, sched_setaffinity, prlimit64, sched_set*, ioprio_set reach any
// process the caller may touch; as root, every process on the machine. Only
// the tree's own may change.
TEST_F(RedTeam, OtherProcessesScheduling) {
  // The canary runs as we do (a process the caller may change, as far as the
  // kernel is concerned). As root, a second one runs as an unused uid for the
  // whole-user forms, which the program tries after becoming that uid: one
  // that got through would renice nothing but it.
  const bool root = getuid() == 0;
  const uid_t user_uid = 54321;
  pid_t canary = StartOutsider(getuid());
  pid_t user_canary = root ? StartOutsider(user_uid) : 0;
  struct Reap {
    pid_t pid;
    ~Reap() {
      if (pid > 0) kill(pid, SIGKILL);
    }
  } reap{canary}, reap_user{user_canary};
  ASSERT_GT(canary, 0);
  ASSERT_GE(user_canary, 0);
  ASSERT_FALSE(IsDescendant(canary, getpid()));
  const SchedState before = StateOf(canary);
  const SchedState user_before = root ? StateOf(user_canary) : before;
  ASSERT_NE(before.nice, -100) << before.Describe();
  ASSERT_NE(before.nofile_soft, 0u) << before.Describe();
  ASSERT_EQ(before.policy, SCHED_OTHER);
  extra_env_ = {absl::StrCat("HOSTILE_CANARY_PID=", canary),
                absl::StrCat("HOSTILE_CANARY_UID=",
                             root ? static_cast<long>(user_uid) : -1L)};
  Outcome o = Run("other_procs");
  const SchedState after = StateOf(canary);
  ExpectNothingEscaped(o, "other_procs");
  EXPECT_EQ(after, before) << "before: " << before.Describe()
                           << "\nafter:  " << after.Describe() << "\n" << Dump(o);
  if (root) {
    const SchedState user_after = StateOf(user_canary);
    EXPECT_EQ(user_after, user_before)
        << "before: " << user_before.Describe()
        << "\nafter:  " << user_after.Describe() << "\n" << Dump(o);
  }
  const std::string pid = absl::StrCat("pid:", canary);
  for (const char* what :
       {"setpriority-canary", "setpriority-canary-high-bits",
        "setpriority-pgrp-canary", "sched_setaffinity-canary", "prlimit-canary",
        "sched_setscheduler-canary", "sched_setparam-canary",
        "sched_setattr-canary", "ioprio_set-canary", "ioprio_set-pgrp-canary"})
    EXPECT_TRUE(Contains(o.output, absl::StrCat("FAIL ", what, " errno=1")))
        << what << "\n" << Dump(o);
  if (getuid() == 0) {
    for (const char* what : {"setpriority-user", "ioprio_set-user"})
      EXPECT_TRUE(Contains(o.output, absl::StrCat("FAIL ", what, " errno=1")))
          << what << "\n" << Dump(o);
    EXPECT_TRUE(HasDeniedSyscall(o, "setpriority", "user:0")) << Dump(o);
    EXPECT_TRUE(HasDeniedSyscall(o, "ioprio_set", absl::StrCat("user:", user_uid)))
        << Dump(o);
  }
  for (const char* call : {"setpriority", "sched_setaffinity", "prlimit64",
                           "sched_setscheduler", "sched_setparam",
                           "sched_setattr", "ioprio_set"})
    EXPECT_TRUE(HasDeniedSyscall(o, call, pid)) << call << "\n" << Dump(o);
  EXPECT_TRUE(HasDeniedSyscall(o, "setpriority", absl::StrCat("pgrp:", canary)))
      << Dump(o);
  EXPECT_TRUE(Contains(o.output, "INFO prlimit-read-canary rc=0")) << Dump(o);
  // The caller's own process (0 and getpid()) and its children still work.
  EXPECT_FALSE(Contains(o.output, "BROKEN")) << Dump(o);
  for (const char* call : {"setpriority", "sched_setaffinity", "prlimit",
                           "ioprio_set", "sched_setparam", "sched_setattr",
                           "sched_setscheduler"})
    for (const char* form : {"-0", "-pid", "-child"})
      EXPECT_TRUE(Contains(o.output, absl::StrCat("WORKS ", call, form, "\n")))
          << call << form << "\n" << Dump(o);
  for (const char* what : {"setpriority-pgrp0", "ioprio_set-pgrp0",
                           "setpriority-high-bits"})
    EXPECT_TRUE(Contains(o.output, absl::StrCat("WORKS ", what, "\n")))
        << what << "\n" << Dump(o);
}

// Fail closed: when the supervisor dies (SIGKILL), its direct child dies
// with it (PDEATHSIG) and a surviving grandchild's trapped calls fail, so it
// cannot create the canary afterwards.
TEST(FailClosed, SupervisorDeathKillsTheTreeAndTrappedCallsFail) {
  char tmpl[] = "/tmp/warden-failclosed.XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string canary = dir + "/canary";
  const std::string started = dir + "/started";
  const std::string grandchild = dir + "/grandchild";
  int pids[2];
  ASSERT_EQ(pipe(pids), 0);
  pid_t supervisor = fork();
  ASSERT_GE(supervisor, 0);
  if (supervisor == 0) {
    class AllowAll : public Decider {
     public:
      bool Decide(const Event&, std::string_view) override { return true; }
    } allow;
    SandboxSpec spec;
    spec.program = "/bin/sh";
    // The grandchild (a second shell) waits, then tries to write the canary.
    spec.argv = {"/bin/sh", "-c",
                 absl::StrCat("sh -c 'echo $$ > ", grandchild, "; sleep 2; echo x > ",
                              canary, "' & echo $$ > ", started, "; wait")};
    spec.env = {"PATH=/usr/bin:/bin"};
    spec.enforce = true;
    EventLog log;
    absl::StatusOr<RunResult> r = RunSupervised(spec, allow, log);
    _exit(r.ok() ? 0 : 1);
  }
  close(pids[0]);
  close(pids[1]);
  auto pid_in = [](const std::string& file) {
    return PidAfter(std::string(absl::StripAsciiWhitespace(ReadAll(file))), "");
  };
  const bool up = WaitFor([&] { return pid_in(started) > 0 && pid_in(grandchild) > 0; },
                          std::chrono::seconds(5));
  ASSERT_TRUE(fs::exists(started)) << "the script never started";
  ASSERT_TRUE(up) << "the grandchild never started";
  const pid_t shell = pid_in(started), second = pid_in(grandchild);
  kill(supervisor, SIGKILL);
  waitpid(supervisor, nullptr, 0);
  // Gone, or a zombie waiting for whoever inherited it.
  WaitFor([&] { return !Running(shell); }, std::chrono::seconds(5));
  EXPECT_FALSE(Running(shell)) << "the build script outlived its supervisor: "
                               << ReadAll(absl::StrCat("/proc/", shell, "/stat"));
  // Past the grandchild's sleep, had its trapped calls worked.
  WaitFor([&] { return !Running(second); }, std::chrono::seconds(10));
  EXPECT_FALSE(fs::exists(canary))
      << "a trapped call succeeded with no supervisor";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace warden::redteam
