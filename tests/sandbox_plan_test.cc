// The Landlock plan under a build script (policy/sandbox_plan.h).
#include "policy/sandbox_plan.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "policy/yaml.h"
#include "tests/scratch_dir.h"

namespace warden {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

PathVars FixedVars() {
  PathVars vars;
  vars.out_dir = "/ws/target/debug/build/gen-1/out";
  vars.manifest_dir = "/ws/gen";
  return vars;
}

std::unique_ptr<PackagePolicy> Compile(const std::string& yaml,
                                       const PathVars& vars = FixedVars()) {
  absl::StatusOr<Policy> policy = LoadPolicyText(yaml, "warden.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status();
  if (!policy.ok()) return nullptr;
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

// Learn's write rules: existing directories by their canonical names, none
// that would let the kernel write one of warden's files.
TEST(ConfineLearnWrites, CanonicalOutputsThatHoldNoWardenFile) {
  ScratchDir dir("warden-learn-writes");
  ASSERT_FALSE(dir.path().empty());
  namespace fs = std::filesystem;
  const std::string root = dir.path().string();
  for (const char* d : {"out", "target/warden", "target/debug/deps",
                        "target/warden.db-dir"})
    fs::create_directories(root + "/" + d);
  fs::create_directory_symlink(root + "/out", root + "/via-link");
  const std::vector<std::string> warden = {root + "/target/warden/",
                                           root + "/warden.yaml",
                                           root + "/target/warden.db"};
  LandlockPlan plan = BuildScriptPlan(nullptr, "/bin/true", 6);
  ConfineLearnWrites(plan,
                     {root + "/via-link", root + "/target/debug/deps", "",
                      root + "/missing", root + "/target/warden",
                      root + "/target/warden/sub", root + "/target/warden.db-dir",
                      root + "/target", root},
                     warden, 6);
  EXPECT_TRUE(plan.restrict_writes);
  EXPECT_FALSE(plan.restrict_fs);
  EXPECT_EQ(plan.output_paths,
            (std::vector<std::string>{root + "/out", root + "/target/debug/deps"}));
  // Nothing left to confine, or no Landlock: the plan stays learn's.
  for (int abi : {6, 0}) {
    LandlockPlan learn = BuildScriptPlan(nullptr, "/bin/true", 6);
    ConfineLearnWrites(learn, {abi == 0 ? root + "/out" : root}, warden, abi);
    EXPECT_FALSE(learn.restrict_writes);
    EXPECT_TRUE(learn.output_paths.empty());
  }
  // A relative warden file could be anywhere.
  LandlockPlan relative = BuildScriptPlan(nullptr, "/bin/true", 6);
  ConfineLearnWrites(relative, {root + "/out"}, {"warden.db"}, 6);
  EXPECT_FALSE(relative.restrict_writes);
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

// ---- ExactBuildScriptPlan, on a real tree: it resolves what grants name ----

class ExactPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    root_ = dir_.path().string();
    vars_.manifest_dir = root_ + "/ws/gen";
    vars_.out_dir = root_ + "/ws/out";
    Write("ws/gen/build-script-build", "\x7f" "ELF not really\n", 0755);
    program_ = root_ + "/ws/gen/build-script-build";
  }

  void Write(const std::string& rel, const std::string& text, int mode = 0644) {
    std::filesystem::path path = dir_.path() / rel;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << text;
    chmod(path.c_str(), mode);
  }

  // Plan compiles `packages_gen` (the body of the "gen" entry; "@" stands
  // for the tree's root) and plans it.
  std::optional<LandlockPlan> Plan(std::string packages_gen,
                                   std::vector<std::string> path_dirs = {}) {
    for (size_t at; (at = packages_gen.find('@')) != std::string::npos;)
      packages_gen.replace(at, 1, root_);
    policy_ = Compile("version: 1\npackages:\n  gen:\n" + packages_gen, vars_);
    if (policy_ == nullptr) return std::nullopt;
    std::optional<LandlockPlan> plan =
        ExactBuildScriptPlan(*policy_, program_, path_dirs, 6);
    if (plan) ExpectOnlyReadable(*plan);
    return plan;
  }

  // The point of the plan: the kernel may read nothing the policy does not
  // let read, and write nothing it does not let write, by the canonical
  // name the supervisor decides on.
  void ExpectOnlyReadable(const LandlockPlan& plan) {
    EXPECT_TRUE(plan.restrict_fs);
    EXPECT_TRUE(plan.write_paths.empty());
    EXPECT_TRUE(plan.scratch_paths.empty());
    for (const std::string& rule : plan.output_paths) {
      EXPECT_EQ(std::filesystem::canonical(rule).string(), rule);
      EXPECT_NE(policy_->Allows(Access::kWrite, rule + "/any/file"), nullptr) << rule;
    }
    for (const std::string& rule : plan.read_paths) {
      EXPECT_EQ(std::filesystem::canonical(rule).string(), rule);
      struct stat st;
      ASSERT_EQ(stat(rule.c_str(), &st), 0) << rule;
      const std::string probe = S_ISDIR(st.st_mode) ? rule + "/any" : rule;
      EXPECT_NE(policy_->Allows(Access::kRead, probe), nullptr) << rule;
      EXPECT_FALSE(rule.starts_with("/proc") || rule.starts_with("/sys") ||
                   rule.starts_with("/dev"))
          << rule;
    }
  }

  ScratchDir dir_{"warden-exact-plan"};
  std::string root_;
  std::string program_;
  PathVars vars_;
  std::unique_ptr<PackagePolicy> policy_;
};

TEST_F(ExactPlanTest, TreesFilesAndTheProgramAreRules) {
  Write("sdk/include/a.h", "");
  Write("etc/gen.conf", "");
  std::optional<LandlockPlan> plan =
      Plan("    read: [\"@/sdk/**\", \"@/etc/gen.conf\", \"@/etc\"]\n");
  ASSERT_TRUE(plan.has_value());
  EXPECT_TRUE(Has(plan->read_paths, root_ + "/sdk"));
  EXPECT_TRUE(Has(plan->read_paths, root_ + "/etc/gen.conf"));
  // A directory named alone grants listing it, not what lies below.
  EXPECT_FALSE(Has(plan->read_paths, root_ + "/etc"));
  EXPECT_TRUE(Has(plan->read_paths, vars_.manifest_dir));  // the baseline
}

// Writes: a whole tree by its canonical name; the rest stays with the
// supervisor.
TEST_F(ExactPlanTest, AWriteTreeLetsTheKernelWriteBelowIt) {
  Write("ws/out/x.o", "");
  Write("gen/a.rs", "");
  Write("real/f", "");
  std::filesystem::create_directory_symlink(dir_.path() / "real",
                                            dir_.path() / "link");
  std::optional<LandlockPlan> plan = Plan(
      "    write: [\"{out_dir}/**\", \"@/gen/*.rs\", \"@/link/**\", \"@/none/**\"]\n");
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->output_paths, (std::vector<std::string>{vars_.out_dir}));
  // Written files are readable too (write implies read).
  EXPECT_TRUE(Has(plan->read_paths, vars_.out_dir));
}

TEST_F(ExactPlanTest, ALastComponentGlobBecomesItsFiles) {
  Write("inc/a.h", "");
  Write("inc/b.h", "");
  Write("inc/c.txt", "");
  std::optional<LandlockPlan> plan = Plan("    read: [\"@/inc/*.h\"]\n");
  ASSERT_TRUE(plan.has_value());
  EXPECT_TRUE(Has(plan->read_paths, root_ + "/inc/a.h"));
  EXPECT_TRUE(Has(plan->read_paths, root_ + "/inc/b.h"));
  EXPECT_FALSE(Has(plan->read_paths, root_ + "/inc/c.txt"));
  EXPECT_FALSE(Has(plan->read_paths, root_ + "/inc"));
}

TEST_F(ExactPlanTest, TooManyFilesAndMiddleGlobsStayWithTheSupervisor) {
  for (int i = 0; i < 300; ++i) Write("many/f" + std::to_string(i) + ".h", "");
  Write("deep/x/y.h", "");
  std::optional<LandlockPlan> plan =
      Plan("    read: [\"@/many/*.h\", \"@/deep/*/y.h\"]\n");
  ASSERT_TRUE(plan.has_value());
  for (const std::string& rule : plan->read_paths) {
    EXPECT_FALSE(rule.starts_with(root_ + "/many")) << rule;
    EXPECT_FALSE(rule.starts_with(root_ + "/deep")) << rule;
  }
}

// Landlock checks the object the path reaches, the policy the canonical
// name: a tree named through a symlink is not a rule.
TEST_F(ExactPlanTest, ATreeNamedThroughASymlinkIsNoRule) {
  Write("real/a.h", "");
  std::filesystem::create_directory_symlink(dir_.path() / "real",
                                            dir_.path() / "link");
  std::optional<LandlockPlan> plan = Plan("    read: [\"@/link/**\"]\n");
  ASSERT_TRUE(plan.has_value());
  EXPECT_FALSE(Has(plan->read_paths, root_ + "/real"));
  EXPECT_FALSE(Has(plan->read_paths, root_ + "/link"));
}

TEST_F(ExactPlanTest, AnExecGrantTheKernelCouldNotRunHasNoExactPlan) {
  Write("bin/tool", "", 0755);
  EXPECT_FALSE(Plan("    exec: [\"@/bin/tool\"]\n").has_value());
  std::optional<LandlockPlan> plan =
      Plan("    read: [\"@/bin/**\"]\n    exec: [\"@/bin/tool\"]\n");
  ASSERT_TRUE(plan.has_value());
  EXPECT_TRUE(Has(plan->read_paths, root_ + "/bin"));
  // A program that is not there needs nothing.
  EXPECT_TRUE(Plan("    exec: [\"@/bin/absent\"]\n").has_value());
}

TEST_F(ExactPlanTest, AProgramByNameNeedsTheOneThePathFindsFirst) {
  Write("a/tool", "", 0755);
  Write("b/tool", "", 0755);
  const std::vector<std::string> path = {root_ + "/a", root_ + "/b"};
  std::optional<LandlockPlan> plan =
      Plan("    read: [\"@/a/tool\"]\n    exec: [tool]\n", path);
  ASSERT_TRUE(plan.has_value());
  EXPECT_TRUE(Has(plan->read_paths, root_ + "/a/tool"));
  EXPECT_FALSE(Has(plan->read_paths, root_ + "/b/tool"));
  EXPECT_FALSE(
      Plan("    read: [\"@/b/tool\"]\n    exec: [tool]\n", path).has_value());
}

TEST_F(ExactPlanTest, WhatTheKernelLoadsToRunAProgramIsARuleWhenReadable) {
  Write("interp/run", "", 0755);
  Write("bin/tool", "#!" + root_ + "/interp/run -x\n", 0755);
  std::optional<LandlockPlan> plan = Plan(
      "    read: [\"@/bin/**\", \"@/interp/run\"]\n    exec: [\"@/bin/tool\"]\n");
  ASSERT_TRUE(plan.has_value());
  EXPECT_TRUE(Has(plan->read_paths, root_ + "/interp/run"));
  plan = Plan("    read: [\"@/bin/**\"]\n    exec: [\"@/bin/tool\"]\n");
  ASSERT_TRUE(plan.has_value());
  EXPECT_FALSE(Has(plan->read_paths, root_ + "/interp/run"));
}

TEST(ExecLoads, FollowsScriptsToTheDynamicLoader) {
  ScratchDir dir("warden-exec-loads");
  ASSERT_FALSE(dir.path().empty());
  const std::string script = (dir.path() / "s").string();
  std::ofstream(script) << "#! /bin/sh -e\necho\n";
  std::vector<std::string> loads = ExecLoads(script);
  ASSERT_EQ(loads.size(), 2u);
  EXPECT_EQ(loads[0], std::filesystem::canonical("/bin/sh").string());
  EXPECT_EQ(loads[1],
            std::filesystem::canonical("/lib64/ld-linux-x86-64.so.2").string());
  EXPECT_TRUE(ExecLoads(loads[1]).empty());  // the loader is static
}

TEST(RealPath, ResolvesLikeRealpathInOneOpen) {
  ScratchDir dir("warden-real-path");
  ASSERT_FALSE(dir.path().empty());
  const std::filesystem::path root = std::filesystem::canonical(dir.path());
  std::filesystem::create_directories(root / "a" / "b");
  std::ofstream(root / "a" / "b" / "f") << "x";
  std::filesystem::create_symlink("a/b", root / "link");
  std::filesystem::create_symlink("../link/f", root / "a" / "up");
  struct stat st;
  std::optional<std::string> real = RealPath((root / "a/up").string(), &st);
  ASSERT_TRUE(real.has_value());
  EXPECT_EQ(*real, (root / "a/b/f").string());
  EXPECT_TRUE(S_ISREG(st.st_mode));
  real = RealPath((root / "link/../b/.").string(), &st);
  ASSERT_TRUE(real.has_value());
  EXPECT_EQ(*real, (root / "a/b").string());  // ".." after the link's target
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_FALSE(RealPath((root / "link/missing").string()).has_value());
  std::filesystem::create_symlink("nowhere", root / "dangling");
  EXPECT_FALSE(RealPath((root / "dangling").string()).has_value());
}

}  // namespace
}  // namespace warden
