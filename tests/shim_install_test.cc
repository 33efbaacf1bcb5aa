// The shim that cargo-warden puts in front of build scripts: installed once,
// runs the real binary under plain cargo, hands it to WARDEN_SHIM otherwise.
#include "tools/shim_install.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/scratch_dir.h"

namespace warden {
namespace {

namespace fs = std::filesystem;

class ShimInstallTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(root_.empty());
    build_ = root_ / "debug" / "build" / "pkg-0123abcd";
    fs::create_directories(build_);
    // A real ELF executable stands in for a compiled build script.
    fs::copy_file("/bin/true", build_ / "build_script_build-0123abcd");
    fs::create_hard_link(build_ / "build_script_build-0123abcd",
                         build_ / "build-script-build");
  }

  static std::string Head(const fs::path& p) {
    std::ifstream in(p);
    std::string line;
    std::getline(in, line);
    return line;
  }

  // Run executes `command` with the given WARDEN_SHIM, returning its stdout.
  static std::string Run(const std::string& command, const char* shim) {
    std::string full = std::string(shim ? "WARDEN_SHIM=" : "env -u WARDEN_SHIM ") +
                       (shim ? shim : "") + " " + command;
    FILE* p = popen(full.c_str(), "r");
    std::string out;
    char buf[512];
    while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
    EXPECT_EQ(pclose(p), 0) << full;
    return out;
  }

  ScratchDir scratch_{"warden-shim-test"};
  const fs::path root_ = scratch_.path();
  fs::path build_;
};

TEST_F(ShimInstallTest, ShimsRustcOutputAndCargosHardLink) {
  absl::StatusOr<int> shimmed = ShimAllBuildScripts(root_.string());
  ASSERT_TRUE(shimmed.ok()) << shimmed.status();
  EXPECT_EQ(*shimmed, 2);
  EXPECT_EQ(Head(build_ / "build-script-build"), "#!/bin/sh");
  EXPECT_EQ(Head(build_ / "build_script_build-0123abcd"), "#!/bin/sh");
  EXPECT_TRUE(fs::exists(build_ / "build_script_build-0123abcd.warden-real"));
  EXPECT_TRUE(fs::exists(build_ / "build-script-build.warden-real"));
}

TEST_F(ShimInstallTest, IsIdempotent) {
  ASSERT_TRUE(ShimAllBuildScripts(root_.string()).ok());
  absl::StatusOr<int> again = ShimAllBuildScripts(root_.string());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  EXPECT_TRUE(InstallShim((build_ / "build-script-build").string()).ok());
}

TEST_F(ShimInstallTest, PlainCargoRunsTheRealBinary) {
  ASSERT_TRUE(ShimAllBuildScripts(root_.string()).ok());
  // /bin/true exits 0 and prints nothing.
  EXPECT_EQ(Run((build_ / "build-script-build").string(), nullptr), "");
}

TEST_F(ShimInstallTest, UnderWardenTheSupervisorGetsTheRealBinary) {
  ASSERT_TRUE(ShimAllBuildScripts(root_.string()).ok());
  std::string out = Run((build_ / "build-script-build").string() + " a1", "/bin/echo");
  EXPECT_EQ(out, (build_ / "build-script-build.warden-real").string() + " a1\n");
}

TEST_F(ShimInstallTest, RefusesWhatIsNotAnExecutable) {
  std::ofstream(build_ / "build_script_x-1") << "text";
  EXPECT_FALSE(InstallShim((build_ / "build_script_x-1").string()).ok());
}

}  // namespace
}  // namespace warden
