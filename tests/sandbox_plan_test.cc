// The Landlock plan under a build script (policy/sandbox_plan.h).
#include "policy/sandbox_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "policy/yaml.h"

namespace warden {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

std::unique_ptr<PackagePolicy> Compile(const std::string& yaml) {
  absl::StatusOr<Policy> policy = LoadPolicyText(yaml, "warden.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status();
  if (!policy.ok()) return nullptr;
  PathVars vars;
  vars.out_dir = "/ws/target/debug/build/gen-1/out";
  vars.manifest_dir = "/ws/gen";
  absl::StatusOr<std::unique_ptr<PackagePolicy>> compiled =
      CompilePackagePolicy(*policy, {"gen", "1.0.0", "path"}, vars);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() ? std::move(*compiled) : nullptr;
}

constexpr char kProgram[] = "/ws/target/debug/build/gen-1/build-script-build";

TEST(BuildScriptPlan, LearnConfinesNoFileAndNoPort) {
  LandlockPlan plan = BuildScriptPlan(nullptr, kProgram, 6);
  EXPECT_FALSE(plan.restrict_fs);
  EXPECT_FALSE(plan.restrict_tcp);
  EXPECT_TRUE(plan.scope);
  EXPECT_FALSE(BuildScriptPlan(nullptr, kProgram, 5).scope);
}

TEST(BuildScriptPlan, EnforceFollowsThePolicysRoots) {
  std::unique_ptr<PackagePolicy> policy = Compile(
      "version: 1\npackages:\n  gen:\n    read: [\"/opt/sdk/include/**\"]\n"
      "    write: [\"/ws/gen/generated/*.rs\"]\n    exec: [\"/opt/sdk/bin/gen\"]\n");
  ASSERT_NE(policy, nullptr);
  LandlockPlan plan = BuildScriptPlan(policy.get(), kProgram, 6);
  EXPECT_TRUE(plan.restrict_fs);
  EXPECT_TRUE(Has(plan.read_paths, "/opt/sdk/include"));
  EXPECT_TRUE(Has(plan.read_paths, "/opt/sdk/bin/gen"));
  EXPECT_TRUE(Has(plan.read_paths, "/ws/gen"));  // the baseline's own package
  EXPECT_TRUE(Has(plan.read_paths, kProgram));
  EXPECT_TRUE(Has(plan.write_paths, "/ws/gen/generated"));
  EXPECT_TRUE(Has(plan.write_paths, "/ws/target/debug/build/gen-1/out"));
  EXPECT_FALSE(Has(plan.write_paths, "/opt/sdk/include"));
  EXPECT_TRUE(plan.scope);
}

TEST(BuildScriptPlan, NoNetworkGrantNoTcpWhereTheKernelCanSay) {
  std::unique_ptr<PackagePolicy> policy = Compile("version: 1\n");
  ASSERT_NE(policy, nullptr);
  EXPECT_TRUE(BuildScriptPlan(policy.get(), kProgram, 4).restrict_tcp);
  EXPECT_FALSE(BuildScriptPlan(policy.get(), kProgram, 3).restrict_tcp);
  EXPECT_FALSE(BuildScriptPlan(policy.get(), kProgram, 3).scope);
}

// Roots(kConnect / kBind) name socket paths only, so it is a unix-socket
// grant that lifts the TCP wall.
TEST(BuildScriptPlan, SocketGrantLeavesTcpToTheSupervisor) {
  for (const char* grant : {"connect: [\"unix:/run/gen.sock\"]",
                            "bind: [\"unix:{out_dir}/gen.sock\"]"}) {
    std::unique_ptr<PackagePolicy> policy = Compile(
        std::string("version: 1\npackages:\n  gen:\n    ") + grant + "\n");
    ASSERT_NE(policy, nullptr) << grant;
    EXPECT_FALSE(BuildScriptPlan(policy.get(), kProgram, 6).restrict_tcp)
        << grant;
  }
}

}  // namespace
}  // namespace warden
