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

}  // namespace
}  // namespace warden
