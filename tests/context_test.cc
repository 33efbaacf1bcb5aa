// SysrootOf: rustc's sysroot found without running rustc.
#include "tools/context.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/scratch_dir.h"

namespace warden {
namespace {

namespace fs = std::filesystem;

TEST(SysrootOf, TwoLevelsAboveTheRealBinaryWhenItHoldsRustlib) {
  ScratchDir scratch("warden-sysroot");
  ASSERT_FALSE(scratch.path().empty());
  const fs::path& root = scratch.path();
  const fs::path toolchain = root / "toolchains/stable";
  fs::create_directories(toolchain / "bin");
  fs::create_directories(toolchain / "lib/rustlib");
  std::ofstream(toolchain / "bin/rustc") << "";
  // A symlink to it (Debian's /usr/bin/rustc) leads to the same sysroot.
  fs::create_directories(root / "usr/bin");
  fs::create_symlink(toolchain / "bin/rustc", root / "usr/bin/rustc");
  // A rustup proxy or a wrapper has no lib/rustlib two levels up.
  fs::create_directories(root / "cargo/bin");
  std::ofstream(root / "cargo/bin/rustc") << "";

  EXPECT_EQ(SysrootOf((toolchain / "bin/rustc").string()), toolchain.string());
  EXPECT_EQ(SysrootOf((root / "usr/bin/rustc").string()), toolchain.string());
  EXPECT_EQ(SysrootOf((root / "cargo/bin/rustc").string()), "");
  EXPECT_EQ(SysrootOf("rustc"), "");
  EXPECT_EQ(SysrootOf(""), "");
  EXPECT_EQ(SysrootOf((root / "missing/bin/rustc").string()), "");
}

}  // namespace
}  // namespace warden
