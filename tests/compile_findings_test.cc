// warden-rustc's findings file (tools/floor_env.h): every byte of a path
// survives, several writers append, and a damaged line is an error.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/scratch_dir.h"
#include "tools/floor_env.h"

namespace warden {
namespace {

CompileFinding Finding(std::string target) {
  CompileFinding f;
  f.package = "escape-usemacro";
  f.version = "0.1.0";
  f.event.op = Op::kRead;
  f.event.target = std::move(target);
  f.event.detail = "tab\there";
  f.event.allowed = false;
  f.event.count = 3;
  return f;
}

TEST(CompileFindings, AwkwardPathsRoundTrip) {
  ScratchDir dir("warden-findings");
  const std::string file = dir.path().string() + "/compile-1.tsv";
  std::string odd = "/home/u/new\nline\t\\x\xff";
  ASSERT_TRUE(AppendCompileFindings(file, {Finding("/home/u/.ssh/id")}).ok());
  ASSERT_TRUE(AppendCompileFindings(file, {Finding(odd)}).ok());
  absl::StatusOr<std::vector<CompileFinding>> back = ReadCompileFindings(file);
  ASSERT_TRUE(back.ok()) << back.status();
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
  absl::StatusOr<std::vector<CompileFinding>> back =
      ReadCompileFindings(dir.path().string() + "/absent.tsv");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->empty());
}

TEST(CompileFindings, DamagedLineIsAnError) {
  ScratchDir dir("warden-findings");
  const std::string file = dir.path().string() + "/compile-2.tsv";
  std::ofstream(file) << "only\ttwo\n";
  EXPECT_FALSE(ReadCompileFindings(file).ok());
}

}  // namespace
}  // namespace warden
