// warden-rustc's findings file (tools/floor_env.h): every byte of a path
// survives, several writers append, and a damaged line is an error.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/scratch_dir.h"
#include "tools/floor_env.h"

namespace warden {
namespace {

Event Finding(std::string target) {
  Event e;
  e.op = Op::kRead;
  e.target = std::move(target);
  e.detail = "tab\there";
  e.allowed = false;
  e.count = 3;
  return e;
}

TEST(CompileFindings, AwkwardPathsRoundTrip) {
  ScratchDir dir("warden-findings");
  const std::string file = dir.path().string() + "/compile-1.tsv";
  std::string odd = "/home/u/new\nline\t\\x\xff";
  ASSERT_TRUE(AppendCompileFindings(file, "escape-usemacro", "0.1.0",
                                    {Finding("/home/u/.ssh/id")}).ok());
  ASSERT_TRUE(AppendCompileFindings(file, "escape-usemacro", "0.1.0",
                                    {Finding(odd)}).ok());
  ASSERT_TRUE(AppendCompileFindings(file, "quiet", "1.0.0", {}).ok());
  absl::StatusOr<CompileRun> run = ReadCompileRun(file);
  ASSERT_TRUE(run.ok()) << run.status();
  const std::vector<CompileFinding>* back = &run->findings;
  EXPECT_EQ(run->compiled.size(), 2u);  // a crate without findings counts too
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].event.target, "/home/u/.ssh/id");
  EXPECT_EQ((*back)[1].event.target, odd);
  EXPECT_EQ((*back)[1].event.detail, "tab\there");
  EXPECT_EQ((*back)[1].package, "escape-usemacro");
  EXPECT_FALSE((*back)[1].event.allowed);
  EXPECT_EQ((*back)[1].event.count, 3u);
}

TEST(CompileFindings, MissingFileHoldsNone) {
  ScratchDir dir("warden-findings");
  absl::StatusOr<CompileRun> back =
      ReadCompileRun(dir.path().string() + "/absent.tsv");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->findings.empty());
}

TEST(CompileFindings, DamagedLineIsAnError) {
  ScratchDir dir("warden-findings");
  const std::string file = dir.path().string() + "/compile-2.tsv";
  std::ofstream(file) << "only\ttwo\n";
  EXPECT_FALSE(ReadCompileRun(file).ok());
}

// A warm learn recompiles little: the findings of a crate it did not
// recompile come from the newest earlier run that did; a crate this run
// recompiled is this run's alone, findings or none.
TEST(CompileFindings, CarriedFromTheNewestRunThatCompiledTheCrate) {
  auto finding = [](std::string pkg, std::string target) {
    CompileFinding f;
    f.package = std::move(pkg);
    f.version = "1.0.0";
    f.event.target = std::move(target);
    return f;
  };
  CompileRun now;  // recompiled a, found nothing
  now.compiled = {{"a", "1.0.0"}};
  CompileRun before;
  before.compiled = {{"a", "1.0.0"}, {"b", "1.0.0"}};
  before.findings = {finding("a", "/old-a"), finding("b", "/b-new")};
  CompileRun oldest;
  oldest.compiled = {{"b", "1.0.0"}, {"gone", "1.0.0"}};
  oldest.findings = {finding("b", "/b-old"), finding("gone", "/gone")};
  std::vector<CompileFinding> carried = CarriedCompileFindings(
      {now, before, oldest}, {{"a", "1.0.0", ""}, {"b", "1.0.0", ""}});
  ASSERT_EQ(carried.size(), 1u);
  EXPECT_EQ(carried[0].event.target, "/b-new");
}

}  // namespace
}  // namespace warden
