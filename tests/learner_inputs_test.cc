// CheckInputs: reads a build script did not declare with rerun-if-changed,
// and declarations it never read.
#include "learner/inputs.h"

#include <cerrno>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/learner_test_util.h"

namespace warden::learnertest {
namespace {

using Paths = std::vector<std::string>;

TEST(CheckInputsTest, ReadOutsideTheDeclaredPathsIsUndeclared) {
  Observation obs = Started("foo", "1.0.0");
  const std::string& own = obs.vars.manifest_dir;
  obs.events.push_back(Ev(Op::kRead, own + "/wrapper.h"));
  obs.events.push_back(Ev(Op::kRead, own + "/src/vendor/a.c"));
  obs.events.push_back(Ev(Op::kRead, own + "/missing.h", ENOENT));
  obs.directives = {{0, "rerun-if-changed", "build.rs"},
                    {0, "rerun-if-changed", "src/vendor"}};
  const InputCoverage coverage = CheckInputs(obs);
  EXPECT_EQ(coverage.undeclared_inputs, Paths{"{manifest_dir}/wrapper.h"});
  EXPECT_EQ(coverage.declared_unread, Paths{"{manifest_dir}/build.rs"});
}

TEST(CheckInputsTest, WithoutRerunDirectivesThePackageIsCovered) {
  Observation obs = Started("foo", "1.0.0");
  obs.events.push_back(Ev(Op::kRead, obs.vars.manifest_dir + "/wrapper.h"));
  obs.events.push_back(Ev(Op::kRead, "/work/app/config.toml"));
  obs.events.push_back(Ev(Op::kRead, "/home/dev/.foorc"));
  const InputCoverage coverage = CheckInputs(obs);
  EXPECT_EQ(coverage.undeclared_inputs,
            (Paths{"{home}/.foorc", "{workspace_root}/config.toml"}));
  EXPECT_TRUE(coverage.declared_unread.empty());
}

TEST(CheckInputsTest, EnvDirectiveAloneTurnsOffThePackageScan) {
  Observation obs = Started("foo", "1.0.0");
  obs.events.push_back(Ev(Op::kRead, obs.vars.manifest_dir + "/wrapper.h"));
  obs.directives = {{0, "rerun-if-env-changed", "FOO_DIR"}};
  EXPECT_EQ(CheckInputs(obs).undeclared_inputs,
            Paths{"{manifest_dir}/wrapper.h"});
}

TEST(CheckInputsTest, SystemToolchainOutputsScratchPipesAndDeniedReadsAreNotInputs) {
  Observation obs = Started("foo", "1.0.0");  // loader, libc, /proc, /sys
  obs.events.push_back(Ev(Op::kRead, "/usr/include/zlib.h"));
  obs.events.push_back(Ev(Op::kRead, obs.vars.out_dir + "/gen.rs"));
  obs.events.push_back(Ev(Op::kRead, obs.vars.sysroot + "/lib/libstd.rlib"));
  obs.events.push_back(Ev(Op::kRead, "/tmp/ccAbC123.s"));  // cc's own temporary
  obs.events.push_back(Ev(Op::kRead, "pipe:"));            // stdin, a pipe
  Event denied = Ev(Op::kRead, "/home/dev/.ssh/id_rsa");
  denied.allowed = false;
  obs.events.push_back(denied);
  obs.directives = {{0, "rerun-if-changed", "/abs//x.h"}};
  const InputCoverage coverage = CheckInputs(obs);
  EXPECT_TRUE(coverage.undeclared_inputs.empty());
  EXPECT_EQ(coverage.declared_unread, Paths{"/abs/x.h"});
}

TEST(CheckPackageInputsTest, MergesRunsAndSkipsTheBuildScript) {
  Observation one = Started("foo", "1.0.0");
  const std::string& own = one.vars.manifest_dir;
  one.directives = {{0, "rerun-if-changed", "build.rs"},
                    {0, "rerun-if-changed", "a.h"},
                    {0, "rerun-if-changed", "b.h"}};
  Observation two = one;
  one.events.push_back(Ev(Op::kRead, own + "/a.h"));
  two.events.push_back(Ev(Op::kRead, own + "/extra.txt"));
  Observation compile = Started("foo", "1.0.0");
  compile.compile = true;
  compile.events.push_back(Ev(Op::kRead, "/home/dev/lib.rs"));
  Observation other = Started("bar", "1.0.0");
  other.events.push_back(Ev(Op::kRead, "/home/dev/.barrc"));
  const InputCoverage coverage = CheckPackageInputs(
      {one, two, compile, other}, one.package, "build.rs");
  EXPECT_EQ(coverage.undeclared_inputs, Paths{"{manifest_dir}/extra.txt"});
  EXPECT_EQ(coverage.declared_unread, Paths{"{manifest_dir}/b.h"});
}

}  // namespace
}  // namespace warden::learnertest
