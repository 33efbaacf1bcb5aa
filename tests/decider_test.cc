// The Deciders the supervisor asks (policy/decider.h).
#include "policy/decider.h"

#include <gtest/gtest.h>

#include <memory>

#include "policy/yaml.h"

namespace warden {
namespace {

Event Ev(Op op, std::string target, std::string detail = "") {
  Event e;
  e.op = op;
  e.target = std::move(target);
  e.detail = std::move(detail);
  return e;
}

TEST(LearnDecider, RefusesOnlyWritesToWardensFiles) {
  LearnDecider learn(WardenFiles("/ws/target/warden/warden.db", "/ws/warden.yaml"));
  EXPECT_FALSE(learn.Decide(Ev(Op::kWrite, "/ws/target/warden/warden.db-wal"), ""));
  EXPECT_FALSE(learn.Decide(Ev(Op::kUnlink, "/ws/warden.yaml"), ""));
  EXPECT_FALSE(learn.Decide(Ev(Op::kCreate, "/ws/warden.override.yaml"), ""));
  // Renamed over, or linked from elsewhere: the second name counts too.
  EXPECT_FALSE(learn.Decide(Ev(Op::kRename, "/tmp/x", "/ws/warden.yaml"), ""));
  EXPECT_TRUE(learn.Decide(Ev(Op::kRead, "/ws/target/warden/warden.db"), ""));
  EXPECT_TRUE(learn.Decide(Ev(Op::kWrite, "/ws/src/generated.rs"), ""));
  EXPECT_TRUE(learn.Decide(Ev(Op::kConnect, "tcp:10.0.0.1:443"), ""));
}

TEST(PolicyDecider, AsksThePolicyAndBothNamesOfARename) {
  absl::StatusOr<Policy> policy = LoadPolicyText(
      "version: 1\npackages:\n  gen:\n    read: [\"/opt/in/**\"]\n"
      "    write: [\"/opt/out/**\"]\n",
      "warden.yaml");
  ASSERT_TRUE(policy.ok()) << policy.status();
  absl::StatusOr<std::unique_ptr<PackagePolicy>> compiled =
      CompilePackagePolicy(*policy, {"gen", "1.0.0", "path"}, PathVars{});
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  PolicyDecider decider(**compiled);
  EXPECT_TRUE(decider.Decide(Ev(Op::kRead, "/opt/in/a.h"), "/opt/in/a.h"));
  EXPECT_FALSE(decider.Decide(Ev(Op::kWrite, "/opt/in/a.h"), "/opt/in/a.h"));
  EXPECT_TRUE(decider.Decide(Ev(Op::kRename, "/opt/out/a", "/opt/out/b"), ""));
  EXPECT_FALSE(decider.Decide(Ev(Op::kRename, "/opt/out/a", "/opt/in/a.h"), ""));
  EXPECT_FALSE(decider.Decide(Ev(Op::kLink, "/opt/out/l", "/etc/shadow"), ""));
  EXPECT_FALSE(decider.Decide(Ev(Op::kSyscall, "ptrace"), ""));
}

// Of another process's /proc only ps-style statistics, and only for a rule
// that names them by OtherProcessPattern: "/proc/self/**" matches any pid for
// the tree's own processes and must not reach outside it.
TEST(PolicyDecider, AnotherProcessOnlyItsStatisticsByTheirPattern) {
  auto decider_for = [](const std::string& read) {
    absl::StatusOr<Policy> policy = LoadPolicyText(
        "version: 1\npackages:\n  gen:\n    read: [\"" + read + "\"]\n",
        "warden.yaml");
    EXPECT_TRUE(policy.ok()) << policy.status();
    absl::StatusOr<std::unique_ptr<PackagePolicy>> compiled =
        CompilePackagePolicy(*policy, {"gen", "1.0.0", "path"}, PathVars{});
    EXPECT_TRUE(compiled.ok()) << compiled.status();
    return std::move(*compiled);
  };
  auto stat = decider_for("/proc/*/stat");
  PolicyDecider by_pattern(*stat);
  EXPECT_TRUE(by_pattern.AllowsOtherProcess(Ev(Op::kRead, "/proc/1/stat"), "/proc/1/stat"));
  EXPECT_FALSE(by_pattern.AllowsOtherProcess(Ev(Op::kRead, "/proc/1/statm"), "/proc/1/statm"));
  EXPECT_FALSE(by_pattern.AllowsOtherProcess(Ev(Op::kWrite, "/proc/1/stat"), "/proc/1/stat"));
  EXPECT_FALSE(by_pattern.AllowsOtherProcess(Ev(Op::kRead, "/proc/1/stat"),
                                             "/proc/1/root/proc/1/environ"));
  auto self = decider_for("/proc/self/**");
  PolicyDecider by_self(*self);
  EXPECT_TRUE(by_self.Decide(Ev(Op::kRead, "/proc/1/stat"), "/proc/1/stat"));
  EXPECT_FALSE(by_self.AllowsOtherProcess(Ev(Op::kRead, "/proc/1/stat"), "/proc/1/stat"));
  auto all = decider_for("/proc/**");
  PolicyDecider by_all(*all);
  EXPECT_TRUE(by_all.AllowsOtherProcess(Ev(Op::kRead, "/proc/1/status"), "/proc/1/status"));
  for (const char* secret : {"/proc/1/environ", "/proc/1/cmdline", "/proc/1/fd/3",
                             "/proc/1/mem", "/proc/1/task/1/stat"})
    EXPECT_FALSE(by_all.AllowsOtherProcess(Ev(Op::kRead, secret), secret)) << secret;
}

}  // namespace
}  // namespace warden
