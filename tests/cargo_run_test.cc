// CaptureCommand against real children: both pipes are read as they fill,
// so a child that writes more to stderr than a pipe holds cannot hang it.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tools/cargo.h"

namespace warden {
namespace {

// 64 rounds of 4 KiB to stderr and a line to stdout: 256 KiB of stderr,
// four times what a pipe buffers, interleaved with stdout.
constexpr char kNoisy[] =
    "i=0; while [ $i -lt 64 ]; do head -c 4096 /dev/zero | tr '\\0' e >&2;"
    " echo line$i; i=$((i+1)); done; exit ";
constexpr size_t kStderrBytes = 64 * 4096;

std::string ExpectedStdout() {
  std::string out;
  for (int i = 0; i < 64; ++i) out += "line" + std::to_string(i) + "\n";
  return out;
}

// CaptureWithin runs CaptureCommand on a thread and ends the test binary if
// it takes longer than 20 s (meson's limit is 30): the failure this guards
// against is a hang, and a hung thread cannot be joined.
absl::StatusOr<std::string> CaptureWithin(std::vector<std::string> argv) {
  auto result = std::async(std::launch::async,
                           [argv] { return CaptureCommand(argv); });
  if (result.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
    fprintf(stderr, "CaptureCommand did not return within 20 s\n");
    std::_Exit(1);
  }
  return result.get();
}

TEST(CaptureCommand, ReadsStdoutWhileStderrOverflowsItsPipe) {
  absl::StatusOr<std::string> out =
      CaptureWithin({"/bin/sh", "-c", std::string(kNoisy) + "0"});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, ExpectedStdout());
}

TEST(CaptureCommand, FailureCarriesAllOfStderr) {
  absl::StatusOr<std::string> out =
      CaptureWithin({"/bin/sh", "-c", std::string(kNoisy) + "3"});
  ASSERT_FALSE(out.ok());
  const std::string message(out.status().message());
  EXPECT_NE(message.find("(exit 3)"), std::string::npos) << message.substr(0, 200);
  EXPECT_NE(message.find(std::string(kStderrBytes, 'e')), std::string::npos);
  EXPECT_EQ(message.find(std::string(kStderrBytes + 1, 'e')), std::string::npos);
}

TEST(CaptureCommand, MissingProgramIsAnError) {
  absl::StatusOr<std::string> out =
      CaptureWithin({"/nonexistent/warden-no-such-program"});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("cannot run"), std::string::npos)
      << out.status();
}

}  // namespace
}  // namespace warden
