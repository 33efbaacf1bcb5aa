// Learn's proposal for a run, and what packages did beyond their own
// declarations (learner/learner.h).
#include <gtest/gtest.h>

#include "learner/learner.h"
#include "policy/yaml.h"

namespace warden {
namespace {

Policy Load(const std::string& yaml) {
  absl::StatusOr<Policy> policy = LoadPolicyText(yaml, "warden.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? *policy : Policy{};
}

TEST(ProposeRunPolicy, CountsEachCompileReadOnce) {
  PathVars vars;
  vars.home = "/home/u";
  vars.workspace_root = "/ws";
  vars.target_dir = "/ws/target";
  const std::string schema = "/home/u/.config/gen/schema.json";
  Policy proposed = ProposeRunPolicy({}, {schema, schema}, vars);
  EXPECT_TRUE(proposed.packages.empty());
  ASSERT_EQ(proposed.compile.read.size(), 1u);
  EXPECT_EQ(proposed.compile.read[0].value, "{home}/.config/gen/schema.json");
  EXPECT_EQ(proposed.compile.read[0].comment, "1 file read by rustc");
}

TEST(ProposeBehaviour, DeniedAttemptsCount) {
  Observation obs;
  obs.package = {"gen", "1.0.0", "registry"};
  obs.vars.out_dir = "/ws/target/debug/build/gen-1/out";
  Event e;
  e.op = Op::kRead;
  e.target = "/etc/secret.conf";
  e.allowed = false;
  obs.events.push_back(e);
  const Policy proposed = ProposePolicy({obs});
  EXPECT_TRUE(proposed.packages.empty() || proposed.packages[0].read.empty());
  Policy behaviour = ProposeBehaviour({obs});
  ASSERT_EQ(behaviour.packages.size(), 1u);
  ASSERT_EQ(behaviour.packages[0].read.size(), 1u);
  EXPECT_EQ(behaviour.packages[0].read[0].value, "/etc/secret.conf");
}

TEST(UndeclaredChanges, OnlyAddedGrantsOfDeclaringPackages) {
  Policy declared = Load(
      "version: 1\npackages:\n  gen:\n    version: \"^1\"\n"
      "    read: [\"/opt/sdk/include/**\"]\n");
  Policy proposed = Load(
      "version: 1\npackages:\n  gen:\n    read: [\"/opt/sdk/include/**\"]\n"
      "    exec: [\"/opt/sdk/bin/gen\"]\n  other:\n    read: [\"/etc/x\"]\n");
  std::vector<PolicyChange> changes = UndeclaredChanges(declared, proposed);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].package, "gen");
  EXPECT_EQ(changes[0].kind, "exec");
  EXPECT_EQ(changes[0].value, "/opt/sdk/bin/gen");
  EXPECT_TRUE(changes[0].added);
}

}  // namespace
}  // namespace warden
