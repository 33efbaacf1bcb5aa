// The red-team harness shared by the tests/redteam_*_test.cc files: the
// hostile helper (tests/hostile.c) run under the real supervisor in enforce
// mode with a realistic Landlock plan and the real PolicyDecider, and the
// checks every technique must pass. No mocks: real kernel, real processes,
// real sockets on loopback and in a temp dir.
//
//   meson test -C build --suite redteam
#ifndef WARDEN_TESTS_REDTEAM_UTIL_H_
#define WARDEN_TESTS_REDTEAM_UTIL_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "policy/contained.h"
#include "policy/decider.h"
#include "policy/matcher.h"
#include "policy/sandbox_plan.h"
#include "tracer/event.h"
#include "tracer/landlock.h"
#include "tracer/supervisor.h"

namespace warden::redteam {

namespace fs = std::filesystem;

#ifndef WARDEN_HOSTILE_BIN
#define WARDEN_HOSTILE_BIN ""
#endif

inline std::string HostileBinary() {
  if (const char* p = getenv("HOSTILE_BIN"); p != nullptr && *p) return p;
  if (*WARDEN_HOSTILE_BIN) return WARDEN_HOSTILE_BIN;
  return (fs::read_symlink("/proc/self/exe").parent_path() / "hostile").string();
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

inline std::string RandomToken(const char* prefix) {
  std::random_device rd;
  return absl::StrCat(prefix, "-", absl::Hex(rd(), absl::kZeroPad8),
                      absl::Hex(rd(), absl::kZeroPad8));
}

inline bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// WaitFor polls `done` until it holds or `patience` has passed, and says
// whether it held.
inline bool WaitFor(const std::function<bool()>& done,
                    std::chrono::milliseconds patience) {
  const auto deadline = std::chrono::steady_clock::now() + patience;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// Running says whether `pid` is a live process (not gone, not a zombie).
inline bool Running(pid_t pid) {
  std::string stat = ReadAll(absl::StrCat("/proc/", pid, "/stat"));
  size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() &&
         stat[paren + 2] != 'Z';
}

// PidAfter reads the decimal pid that follows `prefix` in `text`, or 0.
inline pid_t PidAfter(const std::string& text, std::string_view prefix) {
  size_t at = text.find(prefix);
  if (at == std::string::npos) return 0;
  at += prefix.size();
  size_t end = text.find_first_not_of("0123456789", at);
  pid_t pid = 0;
  if (!absl::SimpleAtoi(text.substr(at, end - at), &pid)) return 0;
  return pid;
}

// Wall is what stands behind the supervisor's decisions in a run.
enum class Wall {
  kPlan,             // Plan(): Landlock on the policy's roots
  kSupervisorAlone,  // no Landlock file rules
  // The exact plan (policy/sandbox_plan.h) with reads answered CONTINUE
  kExactPlan,
  // Learn with the secret's dir as warden's own (LearnDecider), and writes
  // into the allowed dir checked by the kernel (ConfineLearnWrites)
  kLearnWrites,
};

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

  // Contained learn's view of the test: the secret's dir is $HOME, the
  // allowed dir the build's OUT_DIR.
  PathVars ContainedVars() const {
    PathVars vars;
    vars.home = secret_dir_;
    vars.out_dir = allowed_;
    vars.manifest_dir = bin_;
    return vars;
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

  Outcome Run(const std::string& mode, Wall wall = Wall::kPlan) {
    SandboxSpec spec;
    spec.program = hostile_;
    spec.argv = {hostile_, mode};
    spec.env = Env();
    spec.keep_fds = keep_fds_;
    const bool learn = wall == Wall::kLearnWrites;
    spec.enforce = !contained_ && !learn;
    spec.decider_confines = contained_;
    std::unique_ptr<PackagePolicy> policy = CompilePolicy();
    if (policy == nullptr) return Outcome{absl::InternalError("no policy"), "", {}};
    switch (wall) {
      case Wall::kPlan:
        spec.landlock = Plan();
        break;
      case Wall::kSupervisorAlone:
        spec.landlock.restrict_fs = false;
        spec.landlock.restrict_tcp = false;
        spec.landlock.scope = true;
        break;
      case Wall::kExactPlan: {
        std::optional<LandlockPlan> exact = ExactBuildScriptPlan(
            *policy, hostile_, {"/usr/bin", "/bin"}, LandlockAbi());
        if (!exact) return Outcome{absl::InternalError("no exact plan"), "", {}};
        spec.landlock = std::move(*exact);
        spec.kernel_rechecks_reads = true;
        break;
      }
      case Wall::kLearnWrites:
        spec.landlock = BuildScriptPlan(nullptr, hostile_, LandlockAbi());
        ConfineLearnWrites(spec.landlock, {allowed_}, {secret_dir_ + "/"},
                           LandlockAbi());
        break;
    }
    for (const std::string& p : extra_outputs_) spec.landlock.output_paths.push_back(p);
    std::unique_ptr<Decider> decider;
    if (learn)
      decider = std::make_unique<LearnDecider>(
          std::vector<std::string>{secret_dir_ + "/"});
    else if (contained_)
      decider = std::make_unique<ContainedLearnDecider>(ContainedVars(),
                                                        std::vector<std::string>{},
                                                        nullptr);
    else
      decider = std::make_unique<PolicyDecider>(*policy);
    EventLog log;
    Outcome o{RunSupervised(spec, *decider, log), "", {}};
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
  // Added to the plan's output_paths: a wall broken on purpose, so that a
  // race test shows it can fail.
  std::vector<std::string> extra_outputs_;
  std::vector<int> keep_fds_;
  // Run under contained learn (policy/contained.h) instead of enforce.
  bool contained_ = false;
  int parent_fd_ = -1, tcp_ = -1, udp_ = -1, unix_ = -1;
  int tcp_port_ = 0, udp_port_ = 0;
};

}  // namespace warden::redteam

#endif  // WARDEN_TESTS_REDTEAM_UTIL_H_
