// /proc/mounts, /proc/net/… and /etc/mtab are symlinks through /proc/self:
// the supervisor, opening them for the tracee, must take "self" to be the
// tracee, not itself (whose /proc/<pid> is outside the tree and refused).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "policy/decider.h"
#include "policy/matcher.h"
#include "policy/policy.h"
#include "tracer/event.h"
#include "tracer/supervisor.h"

namespace warden {
namespace {

constexpr char kChildFlag[] = "--proc-self-child";

constexpr char kOutsiderFlag[] = "--proc-outsider-child";

constexpr char kOpenFlag[] = "--proc-open-child";

// OpenChild opens `path` for reading and exits with the errno it got (0 when
// it could).
[[noreturn]] void OpenChild(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  _exit(fd >= 0 ? 0 : errno);
}

// OutsiderChild reads init's /proc entry, outside any sandboxed tree; exits
// 0 if it could.
[[noreturn]] void OutsiderChild() {
  int fd = open("/proc/1/stat", O_RDONLY | O_CLOEXEC);
  _exit(fd >= 0 ? 0 : 1);
}

// Child opens each path and exits with how many it could not read.
[[noreturn]] void Child() {
  int failed = 0;
  for (const char* path : {"/proc/mounts", "/proc/net/dev", "/etc/mtab"}) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    char buf[64];
    failed += fd < 0 || read(fd, buf, sizeof buf) <= 0;
    if (fd >= 0) close(fd);
  }
  _exit(failed);
}

class AllowAll : public Decider {
 public:
  bool Decide(const Event&, std::string_view) override { return true; }
};

// Supervise runs this test binary as the child `flag` selects, under the
// real supervisor with `decider` (by default one that allows everything).
absl::StatusOr<RunResult> Supervise(const char* flag, bool enforce, EventLog& log,
                                    Decider* decider = nullptr,
                                    const char* arg = nullptr) {
  char self[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  SandboxSpec spec;
  spec.program = std::string(self, len > 0 ? len : 0);
  spec.argv = {spec.program, flag};
  if (arg != nullptr) spec.argv.push_back(arg);
  spec.enforce = enforce;
  AllowAll allow_all;
  return RunSupervised(spec, decider ? *decider : allow_all, log);
}

TEST(ProcSelf, SymlinksThroughSelfAreTheTraceesOwn) {
  if (access("/etc/mtab", R_OK) != 0) GTEST_SKIP() << "no /etc/mtab here";
  EventLog log;
  absl::StatusOr<RunResult> run = Supervise(kChildFlag, true, log);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_status, 0) << "a /proc/self symlink was refused";
  const std::string supervisor = "/proc/" + std::to_string(getpid()) + "/";
  for (const Event& e : log.Events()) {
    EXPECT_TRUE(e.allowed) << OpName(e.op) << " " << e.target;
    EXPECT_NE(e.target.rfind(supervisor, 0), 0u) << e.target;
  }
}

// Another process's /proc is refused under enforce whatever the decider
// says, and marked so that no policy line is proposed or suggested for it.
TEST(ProcSelf, AnotherProcessIsMarkedAndRefusedUnderEnforce) {
  for (bool enforce : {false, true}) {
    EventLog log;
    absl::StatusOr<RunResult> run = Supervise(kOutsiderFlag, enforce, log);
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->exit_status, enforce ? 1 : 0) << "enforce " << enforce;
    bool marked = false;
    for (const Event& e : log.Events())
      if (e.target == "/proc/1/stat")
        marked = e.detail == kOtherProcess && e.allowed == !enforce;
    EXPECT_TRUE(marked) << "enforce " << enforce;
  }
}

class AllowOthers : public AllowAll {
 public:
  bool AllowsOtherProcess(const Event&, std::string_view) override { return true; }
};

// The Decider alone may open another process's /proc under enforce: the
// supervisor asks it (AllowsOtherProcess) and nothing else lets it through.
TEST(ProcSelf, AnotherProcessIsOpenedWhenTheDeciderAllowsIt) {
  AllowOthers decider;
  EventLog log;
  absl::StatusOr<RunResult> run = Supervise(kOutsiderFlag, true, log, &decider);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_status, 0);
}

// A build script's policy whose only rule beyond the baseline is `read`.
std::unique_ptr<PackagePolicy> PolicyReading(const std::string& read) {
  Policy policy;
  PackageEntry& entry = policy.packages.emplace_back();
  entry.name = "probe";
  if (!read.empty()) entry.read.push_back(Rule{read, "", "", {}});
  absl::StatusOr<std::unique_ptr<PackagePolicy>> compiled =
      CompilePackagePolicy(policy, {"probe", "0.1.0", "path"}, PathVars{});
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() ? std::move(*compiled) : nullptr;
}

// Under the real PolicyDecider, a policy that grants the build's own /proc
// (the baseline's /proc/self) reads /proc/mounts, /proc/net/dev and
// /etc/mtab: the links through "self" are resolved as the tracee.
TEST(ProcSelf, SymlinksThroughSelfAreGrantedByAProcSelfPolicy) {
  if (access("/etc/mtab", R_OK) != 0) GTEST_SKIP() << "no /etc/mtab here";
  for (const char* rule : {"", "/proc/self/**"}) {
    std::unique_ptr<PackagePolicy> policy = PolicyReading(rule);
    ASSERT_NE(policy, nullptr);
    PolicyDecider decider(*policy);
    EventLog log;
    absl::StatusOr<RunResult> run = Supervise(kChildFlag, true, log, &decider);
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->exit_status, 0) << "rule '" << rule << "': a /proc/self link was refused";
    for (const Event& e : log.Events())
      EXPECT_TRUE(e.allowed) << "rule '" << rule << "': " << OpName(e.op) << " " << e.target;
  }
}

// Another process's environ, which no line can grant, is answered ENOENT
// (hidden, as hidepid=invisible would) and still refused and recorded; its
// stat, which `/proc/*/stat` would grant, is a plain EACCES denial.
TEST(ProcSelf, AnotherProcessIsHiddenWhenNoLineCanGrantIt) {
  std::unique_ptr<PackagePolicy> policy = PolicyReading("/proc/self/**");
  ASSERT_NE(policy, nullptr);
  struct Case {
    std::string path;
    int error;
    bool hidden;
  };
  // This process, the supervisor, lies outside the tree and is ours to read.
  const std::string outsider = "/proc/" + std::to_string(getpid());
  for (const Case& c : {Case{outsider + "/environ", ENOENT, true},
                        Case{outsider + "/cmdline", ENOENT, true},
                        Case{outsider + "/stat", EACCES, false}}) {
    PolicyDecider decider(*policy);
    EventLog log;
    absl::StatusOr<RunResult> run =
        Supervise(kOpenFlag, true, log, &decider, c.path.c_str());
    ASSERT_TRUE(run.ok()) << run.status();
    EXPECT_EQ(run->exit_status, c.error) << c.path;
    bool recorded = false;
    for (const Event& e : log.Events())
      if (e.target == c.path) recorded = !e.allowed && Hidden(e) == c.hidden;
    EXPECT_TRUE(recorded) << c.path;
  }
}

}  // namespace
}  // namespace warden

int main(int argc, char** argv) {
  if (argc == 2 && strcmp(argv[1], warden::kChildFlag) == 0) warden::Child();
  if (argc == 2 && strcmp(argv[1], warden::kOutsiderFlag) == 0)
    warden::OutsiderChild();
  if (argc == 3 && strcmp(argv[1], warden::kOpenFlag) == 0)
    warden::OpenChild(argv[2]);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
