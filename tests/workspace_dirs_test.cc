// FindWorkspaceDirs: where cargo-warden may skip `cargo metadata` before the
// build, and where it must not. Each case builds a directory tree, moves into
// it and compares with what cargo would use.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "tests/scratch_dir.h"
#include "tools/cargo.h"

namespace warden {
namespace {

namespace fs = std::filesystem;

class WorkspaceDirsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(root_.empty());
    home_ = root_ / "home";
    fs::create_directories(home_ / ".cargo");
    old_cwd_ = fs::current_path();
    // Only this test's files may count: no config from the real $HOME.
    setenv("HOME", home_.c_str(), 1);
    unsetenv("CARGO_HOME");
    unsetenv("CARGO_TARGET_DIR");
    unsetenv("CARGO_BUILD_TARGET_DIR");
  }
  void TearDown() override { fs::current_path(old_cwd_); }

  static void Write(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }

  std::optional<WorkspaceDirs> FindFrom(const fs::path& cwd,
                                        const std::vector<std::string>& args = {"build"}) {
    fs::current_path(cwd);
    return FindWorkspaceDirs("", args);
  }

  ScratchDir scratch_{"warden-dirs"};
  const fs::path root_ = scratch_.path();
  fs::path home_, old_cwd_;
};

constexpr char kPackage[] = "[package]\nname = \"p\"\nversion = \"0.1.0\"\n";

TEST_F(WorkspaceDirsTest, LonePackageIsItsOwnRoot) {
  Write(root_ / "p/Cargo.toml", kPackage);
  std::optional<WorkspaceDirs> dirs = FindFrom(root_ / "p");
  ASSERT_TRUE(dirs.has_value());
  EXPECT_EQ(dirs->root, (root_ / "p").string());
  EXPECT_EQ(dirs->target_dir, (root_ / "p/target").string());
}

TEST_F(WorkspaceDirsTest, WorkspaceRootFoundFromASubdirectory) {
  Write(root_ / "ws/Cargo.toml", "[workspace]\nmembers = [\"a\"]\n");
  Write(root_ / "ws/a/src/lib.rs", "");
  std::optional<WorkspaceDirs> dirs = FindFrom(root_ / "ws/a/src");
  // The nearest Cargo.toml is the workspace's: a/ has none of its own.
  ASSERT_TRUE(dirs.has_value());
  EXPECT_EQ(dirs->root, (root_ / "ws").string());
  EXPECT_EQ(dirs->target_dir, (root_ / "ws/target").string());
}

TEST_F(WorkspaceDirsTest, WorkspaceSubtableMakesARoot) {
  Write(root_ / "ws/Cargo.toml",
        std::string(kPackage) + "\n[workspace.dependencies]\nlibc = \"0.2\"\n");
  std::optional<WorkspaceDirs> dirs = FindFrom(root_ / "ws");
  ASSERT_TRUE(dirs.has_value());
  EXPECT_EQ(dirs->root, (root_ / "ws").string());
}

TEST_F(WorkspaceDirsTest, MemberOfAWorkspaceElsewhereAsksCargo) {
  Write(root_ / "ws/a/Cargo.toml",
        std::string(kPackage) + "[dependencies]\nlibc = { workspace = true }\n");
  EXPECT_FALSE(FindFrom(root_ / "ws/a").has_value());
  Write(root_ / "ws/b/Cargo.toml",
        std::string(kPackage) + "workspace = \"..\"\n");
  EXPECT_FALSE(FindFrom(root_ / "ws/b").has_value());
}

TEST_F(WorkspaceDirsTest, CargoTomlAboveAsksCargo) {
  Write(root_ / "outer/Cargo.toml", kPackage);
  Write(root_ / "outer/inner/Cargo.toml", kPackage);
  EXPECT_FALSE(FindFrom(root_ / "outer/inner").has_value());
}

TEST_F(WorkspaceDirsTest, TargetDirFromTheEnvironmentIsRelativeToCwd) {
  Write(root_ / "p/Cargo.toml", kPackage);
  fs::create_directories(root_ / "p/sub");
  setenv("CARGO_TARGET_DIR", "out", 1);
  std::optional<WorkspaceDirs> dirs = FindFrom(root_ / "p/sub");
  ASSERT_TRUE(dirs.has_value());
  EXPECT_EQ(dirs->target_dir, (root_ / "p/sub/out").string());
  unsetenv("CARGO_TARGET_DIR");
  setenv("CARGO_BUILD_TARGET_DIR", "/elsewhere", 1);
  dirs = FindFrom(root_ / "p");
  ASSERT_TRUE(dirs.has_value());
  EXPECT_EQ(dirs->target_dir, "/elsewhere");
}

TEST_F(WorkspaceDirsTest, ConfigThatNamesATargetDirAsksCargo) {
  Write(root_ / "p/Cargo.toml", kPackage);
  // Source replacement alone (the corpus setup) changes nothing.
  Write(root_ / "p/.cargo/config.toml",
        "[source.crates-io]\nreplace-with = \"debian\"\n");
  EXPECT_TRUE(FindFrom(root_ / "p").has_value());
  // In any config cargo reads: above the package, or in $CARGO_HOME.
  Write(root_ / ".cargo/config", "[build]\ntarget-dir = \"/t\"\n");
  EXPECT_FALSE(FindFrom(root_ / "p").has_value());
  fs::remove(root_ / ".cargo/config");
  Write(home_ / ".cargo/config.toml", "build.target-dir = \"/t\"\n");
  EXPECT_FALSE(FindFrom(root_ / "p").has_value());
}

TEST_F(WorkspaceDirsTest, ArgumentsThatSteerCargoAskCargo) {
  Write(root_ / "p/Cargo.toml", kPackage);
  for (const char* arg : {"--target-dir=/t", "--target-dir", "--config",
                          "--manifest-path", "-Zunstable-options", "-C"}) {
    EXPECT_FALSE(FindFrom(root_ / "p", {"build", arg, "x"}).has_value()) << arg;
  }
  EXPECT_TRUE(FindFrom(root_ / "p", {"build", "--release", "-j", "2"}).has_value());
}

TEST_F(WorkspaceDirsTest, NoManifestAsksCargo) {
  fs::create_directories(root_ / "empty");
  EXPECT_FALSE(FindFrom(root_ / "empty").has_value());
}

}  // namespace
}  // namespace warden

namespace warden {
namespace {

// `cargo metadata` takes no --target-dir: it must see the config setting the
// option overrides, or learn would record a different target dir than cargo
// builds into.
TEST(GlobalCargoArgs, TargetDirBecomesTheConfigItOverrides) {
  using Strings = std::vector<std::string>;
  EXPECT_EQ(GlobalCargoArgs({"build", "--offline", "--target-dir", "/t d\"x"}),
            (Strings{"--offline", "--config", "build.target-dir=\"/t d\\\"x\""}));
  EXPECT_EQ(GlobalCargoArgs({"build", "--target-dir=/abs"}),
            (Strings{"--config", "build.target-dir=\"/abs\""}));
  // After "--", arguments belong to the program cargo runs.
  EXPECT_EQ(GlobalCargoArgs({"run", "--", "--target-dir", "/x", "--offline"}),
            Strings{});
}

}  // namespace
}  // namespace warden
