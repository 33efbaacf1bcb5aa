// CarriedInvocations: which earlier observations learn keeps for the package
// versions a warm build did not rerun.
#include "learner/observe.h"
#include "learner/carry.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace warden {
namespace {

InvocationRecord Inv(int64_t id, int64_t run_id, const std::string& package,
                     const std::string& version = "1.0.0", char hash = 'a',
                     const std::string& source = "registry") {
  InvocationRecord inv;
  inv.id = id;
  inv.run_id = run_id;
  inv.package = package;
  inv.version = version;
  inv.source = source;
  inv.binary_sha256 = std::string(64, hash);
  return inv;
}

std::vector<int64_t> Ids(const std::vector<InvocationRecord>& invs) {
  std::vector<int64_t> ids;
  for (const InvocationRecord& inv : invs) ids.push_back(inv.id);
  return ids;
}

TEST(CarriedInvocations, FreshBuildScriptsKeepTheirLastObservation) {
  // Run 1 ran both build scripts; run 2 (warm) ran none.
  const std::vector<InvocationRecord> latest = {Inv(1, 1, "libz-sys"),
                                                Inv(2, 1, "demo-gen", "0.1.0", 'b', "path")};
  const std::vector<PackageId> locked = {{"libz-sys", "1.0.0", "registry"},
                                         {"demo-gen", "0.1.0", "path"},
                                         {"pkg-config", "0.3.0", "registry"}};
  EXPECT_EQ(Ids(CarriedInvocations(latest, {}, locked)),
            (std::vector<int64_t>{1, 2}));
}

TEST(CarriedInvocations, ARerunIsThisRunsAlone) {
  const std::vector<InvocationRecord> ran = {Inv(3, 2, "demo-gen", "0.1.0", 'c', "path")};
  const std::vector<InvocationRecord> latest = {
      Inv(1, 1, "libz-sys"), Inv(2, 1, "demo-gen", "0.1.0", 'b', "path"), ran[0]};
  const std::vector<PackageId> locked = {{"libz-sys", "1.0.0", "registry"},
                                         {"demo-gen", "0.1.0", "path"}};
  EXPECT_EQ(Ids(CarriedInvocations(latest, ran, locked)),
            std::vector<int64_t>{1});
}

TEST(CarriedInvocations, TheNewestRunsBuildScriptsWhateverTheirHash) {
  // Run 1: one build script; run 2 recompiled it (hash b) and ran it twice
  // more with other features (c); run 3 ran none of them.
  const std::vector<InvocationRecord> latest = {
      Inv(1, 1, "openssl-sys", "0.9.0", 'a'), Inv(5, 2, "openssl-sys", "0.9.0", 'b'),
      Inv(6, 2, "openssl-sys", "0.9.0", 'c')};
  const std::vector<PackageId> locked = {{"openssl-sys", "0.9.0", "registry"}};
  EXPECT_EQ(Ids(CarriedInvocations(latest, {}, locked)),
            (std::vector<int64_t>{5, 6}));
}

TEST(CarriedInvocations, OnlyWhatCargoLockHolds) {
  const std::vector<InvocationRecord> latest = {
      Inv(1, 1, "libz-sys", "1.0.0"),       // upgraded since
      Inv(2, 1, "removed-sys"),             // no longer a dependency
      Inv(3, 1, "vendored", "1.0.0", 'a', "registry"),  // now a path package
      Inv(4, 2, "libz-sys", "1.1.0")};
  const std::vector<PackageId> locked = {{"libz-sys", "1.1.0", "registry"},
                                         {"vendored", "1.0.0", "path"}};
  EXPECT_EQ(Ids(CarriedInvocations(latest, {}, locked)),
            std::vector<int64_t>{4});
}

TEST(CarriedInvocations, NothingRecordedNothingCarried) {
  EXPECT_TRUE(CarriedInvocations({}, {}, {{"libz-sys", "1.0.0", "registry"}}).empty());
}

}  // namespace
}  // namespace warden

namespace warden {
namespace {

TEST(TargetDirOf, TheRunsOwnWhenTheOutDirLiesInIt) {
  EXPECT_EQ(TargetDirOf("/ws/t/x86_64-unknown-linux-gnu/debug/build/a-1/out", "/ws/t"),
            "/ws/t");
  // Without it (an old run, another workspace): the profile's parent.
  EXPECT_EQ(TargetDirOf("/nonexistent/t/debug/build/a-1/out", ""), "/nonexistent/t");
  EXPECT_EQ(TargetDirOf("/nonexistent/t/debug/build/a-1/out", "/elsewhere"),
            "/nonexistent/t");
}

// The path variables an invocation recorded are the ones its observation
// uses, whatever the reader's environment says; rows without them (schema 2)
// are rebuilt from the run and the reader's machine as before.
TEST(VarsFor, RecordedPathsWinOverTheReadersEnvironment) {
  RunRecord run;
  run.workspace_root = "/ws";
  PathVars reader;
  reader.home = "/home/reader";
  reader.tmp = "/reader-tmp";
  reader.path_dirs = {"/reader/bin"};
  InvocationRecord inv = Inv(1, 1, "cc");
  inv.out_dir = "/t/debug/build/cc-1/out";
  inv.manifest_dir = "/reg/cc";
  inv.sysroot = "/sysroot";
  const PathVars rebuilt = VarsFor(run, inv, "/t", reader);
  EXPECT_EQ(rebuilt.home, "/home/reader");
  EXPECT_EQ(rebuilt.tmp, "/reader-tmp");
  EXPECT_EQ(rebuilt.target_dir, "/t");

  PathVars supervisor = rebuilt;
  supervisor.home = "/home/builder";
  supervisor.cargo_home = "/home/builder/.cargo";
  supervisor.tmp = "/builder-tmp";
  supervisor.target_dir = "/elsewhere";
  supervisor.path_dirs = {"/usr/bin", "/bin"};
  inv.paths = RecordPaths(supervisor);
  const PathVars recorded = VarsFor(run, inv, "/t", reader);
  EXPECT_EQ(recorded.home, "/home/builder");
  EXPECT_EQ(recorded.cargo_home, "/home/builder/.cargo");
  EXPECT_EQ(recorded.rustup_home, "");
  EXPECT_EQ(recorded.tmp, "/builder-tmp");
  EXPECT_EQ(recorded.target_dir, "/elsewhere");
  EXPECT_EQ(recorded.workspace_root, "/ws");
  EXPECT_EQ(recorded.out_dir, inv.out_dir);
  EXPECT_EQ(recorded.manifest_dir, "/reg/cc");
  EXPECT_EQ(recorded.sysroot, "/sysroot");
  EXPECT_EQ(recorded.path_dirs, (std::vector<std::string>{"/usr/bin", "/bin"}));
}

}  // namespace
}  // namespace warden
