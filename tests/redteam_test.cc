// Red-team suite: a hostile "build script" (tests/hostile.c) runs under the
// real supervisor in enforce mode, with a realistic Landlock plan, and tries
// one technique per test to read a secret, change a canary, reach a listener
// of ours, hurt the supervisor or outlive the build. No mocks: real kernel,
// real processes, real sockets on loopback and in a temp dir.
//
//   meson test -C build --suite redteam
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <grp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "policy/decider.h"
#include "policy/matcher.h"
#include "tracer/event.h"
#include "tracer/landlock.h"
#include "tracer/supervisor.h"
#include "tracer/tracee.h"

namespace warden {
namespace {

namespace fs = std::filesystem;

#ifndef WARDEN_HOSTILE_BIN
#define WARDEN_HOSTILE_BIN ""
#endif

std::string HostileBinary() {
  if (const char* p = getenv("HOSTILE_BIN"); p != nullptr && *p) return p;
  if (*WARDEN_HOSTILE_BIN) return WARDEN_HOSTILE_BIN;
  return (fs::read_symlink("/proc/self/exe").parent_path() / "hostile").string();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

std::string RandomToken(const char* prefix) {
  std::random_device rd;
  return absl::StrCat(prefix, "-", absl::Hex(rd(), absl::kZeroPad8),
                      absl::Hex(rd(), absl::kZeroPad8));
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// WaitFor polls `done` until it holds or `patience` has passed, and says
// whether it held.
bool WaitFor(const std::function<bool()>& done,
             std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Running says whether `pid` is a live process (not gone, not a zombie).
bool Running(pid_t pid) {
  std::string stat = ReadAll(absl::StrCat("/proc/", pid, "/stat"));
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() &&
         stat[paren + 2] != 'Z';
}

// PidAfter reads the decimal pid that follows `prefix` in `text`, or 0.
pid_t PidAfter(const std::string& text, std::string_view prefix) {
  size_t at = text.find(prefix);
  if (at == std::string::npos) return 0;
  at += prefix.size();
  size_t end = text.find_first_not_of("0123456789", at);
  pid_t pid = 0;
  if (!absl::SimpleAtoi(text.substr(at, end - at), &pid)) return 0;
  return pid;
}

// SignalPending says whether `sig` waits to be delivered to this process.
bool SignalPending(int sig) {
  sigset_t set;
  sigemptyset(&set);
  return sigpending(&set) == 0 && sigismember(&set, sig) == 1;
}

struct Outcome {
  absl::StatusOr<RunResult> result;
  std::string output;
  std::vector<Event> events;
};

class RedTeam : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(KernelSupport().ok()) << KernelSupport();
    ASSERT_GE(LandlockAbi(), 6) << "the red-team plan needs Landlock ABI 6";
    char tmpl[] = "/tmp/warden-redteam.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    // Same-length names: the race flips one byte between two paths.
    allowed_ = root_ + "/allowed";
    secret_dir_ = root_ + "/secret";
    outside_ = root_ + "/outside";
    bin_ = root_ + "/bin";
    for (const std::string& d : {allowed_, secret_dir_, outside_, bin_})
      ASSERT_EQ(mkdir(d.c_str(), 0755), 0) << d;
    secret_token_ = RandomToken("WARDEN-SECRET");
    canary_token_ = RandomToken("WARDEN-CANARY");
    secret_ = secret_dir_ + "/token.txt";
    canary_ = outside_ + "/canary.txt";
    WriteAll(secret_, secret_token_);
    WriteAll(canary_, canary_token_);
    ASSERT_EQ(chmod(canary_.c_str(), 0644), 0);
    hostile_ = bin_ + "/hostile";
    std::error_code ec;
    fs::copy_file(HostileBinary(), hostile_, ec);
    ASSERT_FALSE(ec) << "copying " << HostileBinary() << ": " << ec.message();
    ASSERT_EQ(chmod(hostile_.c_str(), 0755), 0);
    // A secret in the supervisor's memory and one of its descriptors.
    memory_secret_ = RandomToken("WARDEN-MEMORY-SECRET");
    parent_fd_ = open(secret_.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(parent_fd_, 0);
    OpenListeners();
  }

  void TearDown() override {
    for (int fd : {parent_fd_, tcp_, udp_, unix_})
      if (fd >= 0) close(fd);
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  void OpenListeners() {
    sockaddr_in in{};
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof in;
    tcp_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    ASSERT_EQ(bind(tcp_, reinterpret_cast<sockaddr*>(&in), sizeof in), 0);
    ASSERT_EQ(listen(tcp_, 16), 0);
    ASSERT_EQ(getsockname(tcp_, reinterpret_cast<sockaddr*>(&in), &len), 0);
    tcp_port_ = ntohs(in.sin_port);
    in.sin_port = 0;
    udp_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    ASSERT_EQ(bind(udp_, reinterpret_cast<sockaddr*>(&in), sizeof in), 0);
    len = sizeof in;
    ASSERT_EQ(getsockname(udp_, reinterpret_cast<sockaddr*>(&in), &len), 0);
    udp_port_ = ntohs(in.sin_port);
    unix_path_ = outside_ + "/listener.sock";
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    ASSERT_LT(unix_path_.size(), sizeof un.sun_path);
    memcpy(un.sun_path, unix_path_.data(), unix_path_.size());
    unix_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    ASSERT_EQ(bind(unix_, reinterpret_cast<sockaddr*>(&un), sizeof un), 0);
    ASSERT_EQ(listen(unix_, 16), 0);
  }

  // The policy of the test, for the real PolicyDecider: the allowed dir
  // (read, write, execute), the helper's own dir and the system runtime
  // (read, execute), /dev/tty (shells open it); and, from the baseline,
  // /proc of the sandboxed tree (the supervisor refuses every other
  // process's) and /dev/null. Neither the secret's dir nor the canary's.
  std::unique_ptr<PackagePolicy> CompilePolicy() const {
    Policy policy;
    PackageEntry& entry = policy.packages.emplace_back();
    entry.name = "hostile";
    auto grant = [](std::vector<Rule>& rules, std::string value) {
      rules.push_back(Rule{std::move(value), "", "", {}});
    };
    grant(entry.write, allowed_ + "/**");
    grant(entry.write, "/dev/tty");
    grant(entry.read, "/etc/ld.so.cache");
    for (const std::string& dir : {allowed_, bin_, std::string("/usr"),
                                   std::string("/lib"), std::string("/lib64")}) {
      if (dir != allowed_) grant(entry.read, dir + "/**");
      grant(entry.exec, dir + "/**");
    }
    absl::StatusOr<std::unique_ptr<PackagePolicy>> compiled =
        CompilePackagePolicy(policy, {"hostile", "0.1.0", "path"}, PathVars{});
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    return compiled.ok() ? std::move(*compiled) : nullptr;
  }

  LandlockPlan Plan() const {
    LandlockPlan plan;
    plan.restrict_fs = true;
    plan.read_paths = {"/usr", "/lib", "/lib64", "/etc", bin_, allowed_};
    plan.write_paths = {allowed_};
    plan.restrict_tcp = true;
    plan.scope = true;
    return plan;
  }

  std::vector<std::string> Env() const {
    std::vector<std::string> env = {
        "PATH=/usr/bin:/bin",
        "HOSTILE_OUT=" + allowed_ + "/out.txt",
        "HOSTILE_SECRET=" + secret_,
        "HOSTILE_CANARY=" + canary_,
        "HOSTILE_ALLOWED=" + allowed_,
        absl::StrCat("HOSTILE_TCP_PORT=", tcp_port_),
        absl::StrCat("HOSTILE_UDP_PORT=", udp_port_),
        "HOSTILE_UNIX=" + unix_path_,
        absl::StrCat("HOSTILE_MEM_ADDR=",
                     absl::Hex(reinterpret_cast<uintptr_t>(memory_secret_.data()))),
        absl::StrCat("HOSTILE_MEM_LEN=", memory_secret_.size()),
        absl::StrCat("HOSTILE_PARENT_FD=", parent_fd_),
        "HOSTILE_HANDLE=" + SecretHandle(),
    };
    for (const std::string& e : extra_env_) env.push_back(e);
    return env;
  }

  // The secret's file handle, computed outside the sandbox, for a forged
  // open_by_handle_at.
  std::string SecretHandle() const {
    alignas(8) unsigned char storage[sizeof(file_handle) + 128];
    auto* fh = reinterpret_cast<file_handle*>(storage);
    fh->handle_bytes = 128;
    int mount_id;
    if (name_to_handle_at(AT_FDCWD, secret_.c_str(), fh, &mount_id, 0) != 0)
      return "";
    std::string hex = absl::StrCat(fh->handle_type, ":");
    const unsigned char* bytes = storage + offsetof(file_handle, f_handle);
    for (unsigned i = 0; i < fh->handle_bytes && i < 128; ++i)
      absl::StrAppend(&hex, absl::Hex(bytes[i], absl::kZeroPad2));
    return hex;
  }

  Outcome Run(const std::string& mode, bool landlock = true) {
    SandboxSpec spec;
    spec.program = hostile_;
    spec.argv = {hostile_, mode};
    spec.env = Env();
    spec.keep_fds = keep_fds_;
    spec.enforce = true;
    if (landlock) {
      spec.landlock = Plan();
    } else {
      spec.landlock.restrict_fs = false;
      spec.landlock.restrict_tcp = false;
      spec.landlock.scope = true;
    }
    std::unique_ptr<PackagePolicy> policy = CompilePolicy();
    if (policy == nullptr) return Outcome{absl::InternalError("no policy"), "", {}};
    PolicyDecider decider(*policy);
    EventLog log;
    Outcome o{RunSupervised(spec, decider, log), "", {}};
    o.events = log.Events();
    o.output = ReadAll(allowed_ + "/out.txt");
    if (getenv("REDTEAM_VERBOSE") != nullptr) std::cerr << Dump(o);
    return o;
  }

  static std::string Dump(const Outcome& o) {
    std::string s = absl::StrCat("--- output ---\n", o.output, "--- events ---\n");
    for (const Event& e : o.events)
      absl::StrAppend(&s, std::string(OpName(e.op)), " ", e.target, " [", e.detail, "] ",
                      e.allowed ? "allowed" : "DENIED", " err=", e.error,
                      " x", e.count, "\n");
    return s;
  }

  static bool HasDenied(const Outcome& o, Op op, std::string_view needle) {
    for (const Event& e : o.events)
      if (!e.allowed && e.op == op &&
          (Contains(e.target, needle) ||
           Contains(e.detail, needle)))
        return true;
    return false;
  }

  static bool HasDeniedSyscall(const Outcome& o, std::string_view name,
                               std::string_view detail) {
    for (const Event& e : o.events)
      if (!e.allowed && e.op == Op::kSyscall && e.target == name &&
          e.detail == detail)
        return true;
    return false;
  }

  // What must hold after every technique.
  void ExpectNothingEscaped(const Outcome& o, const std::string& mode,
                            bool killed = false) {
    ASSERT_TRUE(o.result.ok()) << o.result.status();
    EXPECT_TRUE(Contains(o.output, "BEGIN " + mode)) << Dump(o);
    if (killed) {
      EXPECT_EQ(o.result->exit_status, 128 + SIGSYS) << Dump(o);
      EXPECT_FALSE(Contains(o.output, "END " + mode)) << Dump(o);
    } else {
      EXPECT_EQ(o.result->exit_status, 0) << Dump(o);
      EXPECT_TRUE(Contains(o.output, "END " + mode)) << Dump(o);
    }
    EXPECT_FALSE(Contains(o.output, secret_token_)) << Dump(o);
    EXPECT_FALSE(Contains(o.output, memory_secret_)) << Dump(o);
    if (const char* e = getenv("REDTEAM_ENV_SECRET"); e != nullptr && *e) {
      EXPECT_FALSE(Contains(o.output, e)) << Dump(o);
    }
    EXPECT_FALSE(Contains(o.output, "LEAK")) << Dump(o);
    for (absl::string_view line : absl::StrSplit(o.output, '\n')) {
      if (absl::StartsWith(line, "OK ")) {
        EXPECT_TRUE(absl::StrContains(line, "create-in-allowed"))
            << "a technique succeeded: " << line << "\n" << Dump(o);
      }
    }
    ExpectCanaryIntact();
    ExpectListenersUntouched();
  }

  // AwaitGone waits, for longer than the helper's daemons sleep, until `pid`
  // (0: none) has ended.
  static void AwaitGone(pid_t pid) {
    if (pid > 0) WaitFor([pid] { return !Running(pid); }, std::chrono::seconds(5));
  }

  void ExpectCanaryIntact() {
    struct stat st;
    ASSERT_EQ(stat(canary_.c_str(), &st), 0) << "the canary is gone";
    EXPECT_EQ(st.st_mode & 07777, 0644u);
    EXPECT_EQ(ReadAll(canary_), canary_token_);
  }

  void ExpectListenersUntouched() {
    int c = accept4(tcp_, nullptr, nullptr, SOCK_CLOEXEC);
    EXPECT_LT(c, 0) << "the TCP listener accepted a connection";
    if (c >= 0) close(c);
    c = accept4(unix_, nullptr, nullptr, SOCK_CLOEXEC);
    EXPECT_LT(c, 0) << "the unix listener accepted a connection";
    if (c >= 0) close(c);
    char buf[64];
    EXPECT_LT(recv(udp_, buf, sizeof buf, MSG_DONTWAIT), 0)
        << "the UDP listener received a datagram";
  }

  std::string root_, allowed_, secret_dir_, outside_, bin_, hostile_;
  std::string secret_, canary_, secret_token_, canary_token_, memory_secret_;
  std::string unix_path_;
  std::vector<std::string> extra_env_;
  std::vector<int> keep_fds_;
  int parent_fd_ = -1, tcp_ = -1, udp_ = -1, unix_ = -1;
  int tcp_port_ = 0, udp_port_ = 0;
};

// --- Reading the secret through the file system -----------------------------

TEST_F(RedTeam, PlainOpen) {
  Outcome o = Run("open");
  ExpectNothingEscaped(o, "open");
  EXPECT_TRUE(Contains(o.output, "FAIL open errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

TEST_F(RedTeam, SymlinkInAllowedDir) {
  Outcome o = Run("symlink");
  ExpectNothingEscaped(o, "symlink");
  EXPECT_TRUE(Contains(o.output, "FAIL open-through-symlink")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

TEST_F(RedTeam, HardLinkIntoAllowedDir) {
  Outcome o = Run("hardlink");
  ExpectNothingEscaped(o, "hardlink");
  EXPECT_TRUE(Contains(o.output, "FAIL link errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kLink, secret_)) << Dump(o);
  EXPECT_FALSE(fs::exists(allowed_ + "/secret-hardlink"));
}

TEST_F(RedTeam, DotDotTraversal) {
  Outcome o = Run("dotdot");
  ExpectNothingEscaped(o, "dotdot");
  EXPECT_TRUE(Contains(o.output, "FAIL dotdot errno=13")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL openat-dotdot errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

TEST_F(RedTeam, ProcSelfRootAndReopen) {
  Outcome o = Run("procroot");
  ExpectNothingEscaped(o, "procroot");
  EXPECT_TRUE(Contains(o.output, "FAIL proc-self-root errno=13")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL reopen-o-path errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

// --- The supervisor's process ------------------------------------------------

TEST_F(RedTeam, ParentEnviron) {
  Outcome o = Run("proc_environ");
  ExpectNothingEscaped(o, "proc_environ");
  std::string environ = absl::StrCat("/proc/", getpid(), "/environ");
  EXPECT_TRUE(Contains(o.output, "FAIL proc-ppid-environ errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, environ)) << Dump(o);
}

TEST_F(RedTeam, ParentMem) {
  Outcome o = Run("proc_mem");
  ExpectNothingEscaped(o, "proc_mem");
  EXPECT_TRUE(Contains(o.output, "FAIL proc-ppid-mem errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, absl::StrCat("/proc/", getpid(), "/mem")))
      << Dump(o);
}

TEST_F(RedTeam, ParentFd) {
  Outcome o = Run("proc_fd");
  ExpectNothingEscaped(o, "proc_fd");
  EXPECT_TRUE(Contains(o.output, "FAIL proc-ppid-fd errno=13")) << Dump(o);
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

// --- Syscalls that bypass the supervisor ---------------------------------------

TEST_F(RedTeam, Openat2) {  // filter: ERRNO(ENOSYS)
  Outcome o = Run("openat2");
  ExpectNothingEscaped(o, "openat2");
  EXPECT_TRUE(Contains(o.output, "FAIL openat2 errno=38")) << Dump(o);
}

TEST_F(RedTeam, OpenByHandle) {  // filter: ERRNO
  Outcome o = Run("handle");
  ExpectNothingEscaped(o, "handle");
  EXPECT_TRUE(Contains(o.output, "FAIL name_to_handle_at")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL open_by_handle_at errno=1")) << Dump(o);
}

TEST_F(RedTeam, IoUring) {  // filter: ERRNO(ENOSYS)
  Outcome o = Run("io_uring");
  ExpectNothingEscaped(o, "io_uring");
  EXPECT_TRUE(Contains(o.output, "FAIL io_uring_setup errno=38")) << Dump(o);
}

TEST_F(RedTeam, Int80Open) {  // filter: bad ABI kills the process
  Outcome o = Run("int80_open");
  ExpectNothingEscaped(o, "int80_open", /*killed=*/true);
}

TEST_F(RedTeam, Int80Execve) {
  Outcome o = Run("int80_exec");
  ExpectNothingEscaped(o, "int80_exec", /*killed=*/true);
}

TEST_F(RedTeam, X32) {
  Outcome o = Run("x32");
  ExpectNothingEscaped(o, "x32", /*killed=*/true);
}

TEST_F(RedTeam, SeccompListener) {  // filter: ERRNO(EPERM)
  Outcome o = Run("seccomp_listener");
  ExpectNothingEscaped(o, "seccomp_listener");
  EXPECT_TRUE(Contains(o.output, "FAIL seccomp-new-listener errno=1")) << Dump(o);
  // An extra ALLOW filter cannot undo the listener: the open is still denied.
  EXPECT_TRUE(Contains(o.output, "FAIL open-after-prctl-seccomp errno=13"))
      << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

TEST_F(RedTeam, MemfdExec) {  // supervisor: exec decision
  Outcome o = Run("memfd_exec");
  ExpectNothingEscaped(o, "memfd_exec");
  EXPECT_TRUE(Contains(o.output, "FAIL execveat-memfd errno=13")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL execve-proc-self-fd-memfd errno=13"))
      << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kExec, "memfd:payload")) << Dump(o);
}

TEST_F(RedTeam, NamespacesAndMounts) {
  Outcome o = Run("namespaces");
  ExpectNothingEscaped(o, "namespaces");
  for (const char* what : {"unshare-newuser errno=1", "unshare-newns errno=1",
                           "setns-own errno=1", "open-init-ns errno=13",
                           "mount errno=1", "pivot_root errno=1", "chroot errno=1",
                           "clone-newns", "clone-newuser"})
    EXPECT_TRUE(Contains(o.output, absl::StrCat("FAIL ", what)))
        << what << "\n" << Dump(o);
  // clone with a single namespace flag reaches the supervisor as unknown.
  EXPECT_TRUE(HasDenied(o, Op::kSyscall, "clone")) << Dump(o);
  EXPECT_FALSE(Contains(o.output, "OK setns")) << Dump(o);
}

TEST_F(RedTeam, KernelInterfaces) {
  Outcome o = Run("kernel_ifaces");
  ExpectNothingEscaped(o, "kernel_ifaces");
  for (const char* what : {"bpf errno=1", "perf_event_open errno=13",
                           "keyctl errno=1", "userfaultfd errno=1",
                           "mknod-blockdev errno=1", "mknod-chardev errno=1",
                           "personality errno=38"})
    EXPECT_TRUE(Contains(o.output, absl::StrCat("FAIL ", what)))
        << what << "\n" << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kSyscall, "personality")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kCreate, allowed_ + "/disk")) << Dump(o);
  EXPECT_FALSE(fs::exists(allowed_ + "/disk"));
}

// --- Network -----------------------------------------------------------------

TEST_F(RedTeam, UnixConnectOutside) {
  Outcome o = Run("unix_connect");
  ExpectNothingEscaped(o, "unix_connect");
  EXPECT_TRUE(Contains(o.output, "FAIL unix-connect errno=13")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL unix-dgram-sendto errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kConnect, "unix:" + unix_path_)) << Dump(o);
}

TEST_F(RedTeam, UdpSendto) {
  Outcome o = Run("udp_sendto");
  ExpectNothingEscaped(o, "udp_sendto");
  EXPECT_TRUE(Contains(o.output, "FAIL udp-sendto errno=13")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL udp-connect errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kConnect, absl::StrCat("udp:127.0.0.1:", udp_port_)))
      << Dump(o);
}

TEST_F(RedTeam, UdpSendmsg) {
  Outcome o = Run("udp_sendmsg");
  ExpectNothingEscaped(o, "udp_sendmsg");
  EXPECT_TRUE(Contains(o.output, "FAIL udp-sendmsg errno=1")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL udp-sendmmsg errno=1")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kConnect, absl::StrCat("udp:127.0.0.1:", udp_port_)))
      << Dump(o);
}

TEST_F(RedTeam, TcpConnect) {
  Outcome o = Run("tcp_connect");
  ExpectNothingEscaped(o, "tcp_connect");
  EXPECT_TRUE(Contains(o.output, "FAIL tcp-connect errno=13")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL tcp-fastopen")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kConnect, absl::StrCat("tcp:127.0.0.1:", tcp_port_)))
      << Dump(o);
}

TEST_F(RedTeam, NetlinkAndPacketSockets) {
  Outcome o = Run("netlink_packet");
  ExpectNothingEscaped(o, "netlink_packet");
  EXPECT_TRUE(Contains(o.output, "FAIL socket-netlink errno=97")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL socket-packet errno=97")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kSocket, absl::StrCat("family:", AF_NETLINK))) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kSocket, absl::StrCat("family:", AF_PACKET))) << Dump(o);
}

// --- Writing outside the allowed dirs ------------------------------------------

TEST_F(RedTeam, WriteCanary) {
  Outcome o = Run("write_canary");
  ExpectNothingEscaped(o, "write_canary");
  for (const char* what :
       {"open-wronly-trunc errno=13", "open-rdwr errno=13", "open-append errno=13",
        "creat errno=13", "rename-over-canary errno=13",
        "renameat2-exchange errno=13", "unlink-canary errno=13",
        "chmod-canary errno=13", "truncate-canary errno=13",
        "utimensat-canary errno=13", "link-canary errno=13",
        "open-symlink errno=13", "truncate-symlink errno=13",
        "rename-canary-away errno=13"})
    EXPECT_TRUE(Contains(o.output, absl::StrCat("FAIL ", what)))
        << what << "\n" << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kWrite, canary_)) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRename, canary_)) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kUnlink, canary_)) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kChmod, canary_)) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kTruncate, canary_)) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kLink, canary_)) << Dump(o);
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

// --- The terminal ----------------------------------------------------------------

struct Pty {
  int master = -1, slave = -1;
  bool Open() {
    master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return false;
    const char* name = ptsname(master);
    if (name == nullptr) return false;
    slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) return false;
    termios t;
    tcgetattr(slave, &t);
    cfmakeraw(&t);
    tcsetattr(slave, TCSANOW, &t);
    return true;
  }
  // Input queued on the terminal, as if typed by the user.
  std::string Injected() const {
    int flags = fcntl(slave, F_GETFL);
    fcntl(slave, F_SETFL, flags | O_NONBLOCK);
    char buf[256];
    ssize_t n = read(slave, buf, sizeof buf);
    fcntl(slave, F_SETFL, flags);
    return n > 0 ? std::string(buf, n) : "";
  }
  ~Pty() {
    if (slave >= 0) close(slave);
    if (master >= 0) close(master);
  }
};

// The build script inherits the user's terminal as stdin/stdout (cargo does
// not redirect them). With CAP_SYS_ADMIN (root in CI containers) TIOCSTI
// works on any terminal, controlling or not.
TEST_F(RedTeam, TiocstiOnInheritedTerminal) {
  Pty pty;
  ASSERT_TRUE(pty.Open());
  int saved = dup(0);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(dup2(pty.slave, 0), 0);
  Outcome o = Run("tiocsti");
  dup2(saved, 0);
  close(saved);
  ExpectNothingEscaped(o, "tiocsti");
  EXPECT_TRUE(Contains(o.output, "FAIL open-dev-tty")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL tiocsti errno=1")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL tiocsti-high-bits")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "INFO tcgets rc=0")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "INFO tcgets-high-bits rc=0")) << Dump(o);
  EXPECT_EQ(pty.Injected(), "");
}

// The supervisor runs in the user's terminal session. A policy that allows
// /dev/tty (shells open it) must not hand out the supervisor's controlling
// terminal: the sandboxed tree has none (it runs in a session of its own).
TEST_F(RedTeam, DevTtyIsNotTheSupervisorsTerminal) {
  Pty pty;
  ASSERT_TRUE(pty.Open());
  const char* name = ptsname(pty.master);
  ASSERT_NE(name, nullptr);
  std::string slave_name = name;
  fflush(nullptr);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // A stand-in for cargo-warden run from a terminal: session leader with
    // the pty as its controlling terminal.
    setsid();
    int ctty = open(slave_name.c_str(), O_RDWR);
    if (ctty < 0 || ioctl(ctty, TIOCSCTTY, 0) != 0) _exit(10);
    Outcome o = Run("tiocsti");
    if (!o.result.ok()) _exit(11);
    if (Contains(o.output, "OK opened /dev/tty")) _exit(12);
    if (Contains(o.output, "OK TIOCSTI")) _exit(13);
    if (!Contains(o.output, "END tiocsti")) _exit(14);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "10: no pty, 11: run failed, 12: /dev/tty opened, 13: TIOCSTI "
         "worked, 14: hostile did not finish\n"
      << ReadAll(allowed_ + "/out.txt");
  EXPECT_EQ(pty.Injected(), "");
}

// --- What the parents left open ----------------------------------------------

// cargo and the user's shell may leave descriptors open without O_CLOEXEC;
// reading a held fd is never trapped and Landlock checks only opens. Only
// keep_fds (the jobserver) may reach the program.
TEST_F(RedTeam, InheritedDescriptors) {
  const std::string kept_token = RandomToken("WARDEN-KEPT");
  const std::string kept_path = outside_ + "/kept.txt";
  WriteAll(kept_path, kept_token);
  // Secrets below and above the kept fd: both gaps must be closed.
  int low = open(secret_.c_str(), O_RDONLY);
  ASSERT_GE(low, 0);
  int kept_raw = open(kept_path.c_str(), O_RDONLY);
  ASSERT_GE(kept_raw, 0);
  int high_raw = open(secret_.c_str(), O_RDONLY);
  ASSERT_GE(high_raw, 0);
  int kept = fcntl(kept_raw, F_DUPFD, 200);
  int high = fcntl(high_raw, F_DUPFD, 300);
  close(kept_raw);
  close(high_raw);
  ASSERT_GE(kept, 200);
  ASSERT_GE(high, 300);
  extra_env_ = {absl::StrCat("HOSTILE_INHERITED_FDS=", low, ",", high),
                absl::StrCat("HOSTILE_KEPT_FD=", kept)};
  keep_fds_ = {kept};
  Outcome o = Run("inherited_fd");
  for (int fd : {low, kept, high}) close(fd);
  ExpectNothingEscaped(o, "inherited_fd");
  EXPECT_TRUE(Contains(o.output, absl::StrCat("FAIL inherited-fd-", low, " errno=9")))
      << Dump(o);
  EXPECT_TRUE(Contains(o.output, absl::StrCat("FAIL inherited-fd-", high, " errno=9")))
      << Dump(o);
  EXPECT_TRUE(Contains(o.output, "KEPT read " + std::to_string(kept_token.size()) +
                                     " bytes: " + kept_token))
      << Dump(o);
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

// --- The path-swap race ----------------------------------------------------------

struct RaceCount {
  long opens = -1, ok = -1, leaks = -1;
};

RaceCount ParseRace(const std::string& output) {
  RaceCount c;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (!absl::StartsWith(line, "RACE ")) continue;
    for (absl::string_view kv : absl::StrSplit(line.substr(5), ' ')) {
      std::pair<absl::string_view, absl::string_view> p = absl::StrSplit(kv, '=');
      long v = -1;
      if (!absl::SimpleAtoi(p.second, &v)) continue;
      if (p.first == "opens") c.opens = v;
      if (p.first == "ok") c.ok = v;
      if (p.first == "leaks") c.leaks = v;
    }
  }
  return c;
}

TEST_F(RedTeam, PathSwapRace) {
  Outcome o = Run("race");
  ExpectNothingEscaped(o, "race");
  RaceCount c = ParseRace(o.output);
  std::cerr << "race with Landlock: opens=" << c.opens << " ok=" << c.ok
            << " leaks=" << c.leaks << "\n";
  EXPECT_GE(c.opens, 100000) << Dump(o);
  EXPECT_GT(c.ok, 0) << "the race never opened the decoy\n" << Dump(o);
  EXPECT_EQ(c.leaks, 0) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << "the race never hit the secret\n"
                                                << Dump(o);
}

// Handing over an fd pins the tracee to the supervisor's CPU for the round
// trip (SameCpu in supervisor.cc); its own CPU mask must be as it was after.
TEST_F(RedTeam, FdHandOverLeavesCpuMaskAlone) {
  Outcome o = Run("affinity");
  ExpectNothingEscaped(o, "affinity");
  EXPECT_TRUE(Contains(o.output, "AFFINITY opened=200 changed=0")) << Dump(o);
}

// The same race with the supervisor as the only wall (no Landlock file rules).
TEST_F(RedTeam, PathSwapRaceSupervisorAlone) {
  Outcome o = Run("race", /*landlock=*/false);
  ExpectNothingEscaped(o, "race");
  RaceCount c = ParseRace(o.output);
  std::cerr << "race without Landlock: opens=" << c.opens << " ok=" << c.ok
            << " leaks=" << c.leaks << "\n";
  EXPECT_GE(c.opens, 100000) << Dump(o);
  EXPECT_GT(c.ok, 0) << Dump(o);
  EXPECT_EQ(c.leaks, 0) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

// The symlink technique with the supervisor as the only wall.
TEST_F(RedTeam, SymlinkSupervisorAlone) {
  Outcome o = Run("symlink", /*landlock=*/false);
  ExpectNothingEscaped(o, "symlink");
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
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
}  // namespace warden
