// The supervised tree's loader skips glibc's legacy hwcaps subdirectories
// and the build's output dirs it needs nothing from: NeededLibraries,
// WithoutLegacyHwcapsSearch and WithoutUnneededLibraryPaths on their own, then a real program under the
// real supervisor with LD_LIBRARY_PATH set as cargo sets it for build
// scripts.
#include <sys/auxv.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "tests/scratch_dir.h"
#include "tracer/elf_file.h"
#include "tracer/event.h"
#include "tracer/landlock.h"
#include "tracer/supervisor.h"

namespace warden {
namespace {

using Env = std::vector<std::string>;

TEST(WithoutLegacyHwcapsSearch, AddsTheMask) {
  EXPECT_EQ(WithoutLegacyHwcapsSearch({"PATH=/usr/bin"}),
            (Env{"PATH=/usr/bin", "GLIBC_TUNABLES=glibc.cpu.hwcap_mask=0"}));
  EXPECT_EQ(WithoutLegacyHwcapsSearch({"GLIBC_TUNABLES="}),
            (Env{"GLIBC_TUNABLES=glibc.cpu.hwcap_mask=0"}));
}

TEST(WithoutLegacyHwcapsSearch, KeepsTheCallersTunables) {
  EXPECT_EQ(WithoutLegacyHwcapsSearch({"GLIBC_TUNABLES=glibc.malloc.check=3"}),
            (Env{"GLIBC_TUNABLES=glibc.malloc.check=3:glibc.cpu.hwcap_mask=0"}));
  // A mask the caller chose is theirs.
  for (const char* own :
       {"GLIBC_TUNABLES=glibc.cpu.hwcap_mask=0x2",
        "GLIBC_TUNABLES=glibc.malloc.check=3:glibc.cpu.hwcap_mask=0x2"})
    EXPECT_EQ(WithoutLegacyHwcapsSearch({own}), (Env{own}));
}

// Makes `dir`/`name`, an empty file, or a directory when `name` ends in '/'.
void Plant(const std::filesystem::path& dir, const std::string& name) {
  std::filesystem::create_directories((dir / name).parent_path());
  if (!name.ends_with('/')) std::ofstream(dir / name).put('\n');
}

std::string LibraryPath(const Env& env) {
  for (const std::string& e : env)
    if (e.starts_with("LD_LIBRARY_PATH=")) return e.substr(16);
  return "(unset)";
}

TEST(NeededLibraries, ReadsDynamicSection) {
  std::optional<std::vector<std::string>> needed =
      internal::NeededLibraries("/bin/true");
  ASSERT_TRUE(needed.has_value());
  EXPECT_NE(std::find(needed->begin(), needed->end(), "libc.so.6"),
            needed->end());
  EXPECT_FALSE(internal::NeededLibraries("/etc/passwd").has_value());
  EXPECT_FALSE(internal::NeededLibraries("/nonexistent").has_value());
}

// Below the output dirs only what the program needs keeps an entry, however
// many other libraries cargo's parallel jobs have put there.
TEST(WithoutUnneededLibraryPaths, KeepsOutputDirsOnlyForWhatTheProgramNeeds) {
  ScratchDir root("warden-needed");
  ASSERT_FALSE(root.path().empty());
  const std::string r = root.path().string();
  Plant(root.path(), "deps/libanyhow-1234.rlib");
  Plant(root.path(), "deps/libserde_derive-99.so");
  Plant(root.path(), "empty/");
  Plant(root.path(), "needs/libc.so.6");
  const std::string others = "/usr/lib:relative:$ORIGIN/../lib:";
  const Env env = {"LD_LIBRARY_PATH=" + r + "/deps:" + r + "/needs;" + r +
                   "/empty:" + others};
  EXPECT_EQ(LibraryPath(WithoutUnneededLibraryPaths(env, {r}, "/bin/true")),
            r + "/needs:" + others);
  EXPECT_EQ(LibraryPath(WithoutUnneededLibraryPaths(
                {"LD_LIBRARY_PATH=" + r + "/deps"}, {r}, "/bin/true")),
            "");
  // Nothing to go by: the environment stays as it is.
  EXPECT_EQ(WithoutUnneededLibraryPaths(env, {}, "/bin/true"), env);
  EXPECT_EQ(WithoutUnneededLibraryPaths(env, {r}, "/etc/passwd"), env);
  EXPECT_EQ(WithoutUnneededLibraryPaths({"PATH=" + r}, {r}, "/bin/true"),
            (Env{"PATH=" + r}));
}

class AllowAll : public Decider {
 public:
  bool Decide(const Event&, std::string_view) override { return true; }
};

// The platform name the loader of `program` searches below each library
// dir. On x86_64 glibc picks it from the CPU's features (haswell where AVX2
// and its companions are there), not the kernel's AT_PLATFORM, so ask the
// loader; one without --list-diagnostics (glibc < 2.33) uses AT_PLATFORM.
std::string LoaderPlatform(const std::string& program) {
  const std::string key = "dl_platform=\"";
  // ExecLoads names the loader first: the program's PT_INTERP.
  const std::vector<std::string> loads = ExecLoads(program);
  const std::string loader = loads.empty() ? "" : loads.front();
  const std::string ask = loader + " --list-diagnostics 2>/dev/null";
  if (FILE* diag = loader.empty() ? nullptr : popen(ask.c_str(), "r")) {
    char line[256];
    std::string platform;
    while (fgets(line, sizeof line, diag)) {
      const std::string_view text(line);
      if (!text.starts_with(key)) continue;
      const std::string_view rest = text.substr(key.size());
      platform = std::string(rest.substr(0, rest.find('"')));
    }
    pclose(diag);
    if (!platform.empty()) return platform;
  }
  const char* auxv = reinterpret_cast<const char*>(getauxval(AT_PLATFORM));
  return auxv ? auxv : "";
}

// The directories below an LD_LIBRARY_PATH entry that glibc searches with
// the legacy hwcaps mask at 0: glibc-hwcaps/*, tls/ and the loader's
// platform name (haswell on some machines, x86_64 on others), alone and
// below tls/. Without the mask the loader adds hwcap-name subdirectories
// (x86_64/, avx512_1/) and their nestings below each of these.
bool UnmaskedSearchDirectory(std::string_view dir,
                             const std::string& platform) {
  return dir.empty() || dir.starts_with("glibc-hwcaps/") || dir == "tls" ||
         (!platform.empty() && (dir == platform || dir == "tls/" + platform));
}

// The loader still searches LD_LIBRARY_PATH (its own directory, the
// glibc-hwcaps ones, tls/ and the platform's) but not the hwcap-name
// subdirectories below them: fewer opens per directory for the supervisor.
TEST(LoaderSearch, SupervisedTreeSkipsLegacyHwcapsDirectories) {
  ScratchDir dir("warden-loader");
  ASSERT_FALSE(dir.path().empty());
  const std::string lib_dir = dir.path().string();
  SandboxSpec spec;
  spec.program = "/bin/true";
  spec.argv = {spec.program};
  spec.env = {"LD_LIBRARY_PATH=" + lib_dir};
  AllowAll allow_all;
  EventLog log;
  absl::StatusOr<RunResult> run = RunSupervised(spec, allow_all, log);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_status, 0);
  const std::string platform = LoaderPlatform(spec.program);
  bool searched = false;
  for (const Event& e : log.Events()) {
    if (!e.target.starts_with(lib_dir + "/")) continue;
    const std::string below = e.target.substr(lib_dir.size() + 1);
    if (!below.ends_with("libc.so.6")) continue;
    searched |= below == "libc.so.6";
    const size_t slash = below.rfind('/');
    const std::string_view subdir =
        slash == std::string::npos ? std::string_view()
                                   : std::string_view(below).substr(0, slash);
    EXPECT_TRUE(UnmaskedSearchDirectory(subdir, platform)) << e.target;
  }
  EXPECT_TRUE(searched) << "the loader did not search " << lib_dir;
}

// Below the build's output dirs, a directory holding no library the program
// needs is not searched at all; one that holds one still is.
TEST(LoaderSearch, SupervisedTreeSkipsOutputDirsItNeedsNothingFrom) {
  ScratchDir dir("warden-loader");
  ASSERT_FALSE(dir.path().empty());
  Plant(dir.path(), "deps/libserde_derive-99.so");
  Plant(dir.path(), "lib/");
  const std::filesystem::path libc = "/lib/x86_64-linux-gnu/libc.so.6";
  ASSERT_TRUE(std::filesystem::exists(libc));
  std::filesystem::create_symlink(libc, dir.path() / "lib/libc.so.6");
  const std::string deps = (dir.path() / "deps").string();
  const std::string lib = (dir.path() / "lib").string();
  SandboxSpec spec;
  spec.program = "/bin/true";
  spec.argv = {spec.program};
  spec.env = {"LD_LIBRARY_PATH=" + deps + ":" + lib};
  spec.build_output_dirs = {dir.path().string()};
  AllowAll allow_all;
  EventLog log;
  absl::StatusOr<RunResult> run = RunSupervised(spec, allow_all, log);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->exit_status, 0);
  bool searched = false;
  for (const Event& e : log.Events()) {
    EXPECT_FALSE(e.target.starts_with(deps + "/")) << e.target;
    searched |= e.target.starts_with(lib + "/");
  }
  EXPECT_TRUE(searched) << "the loader did not search " << lib;
}

}  // namespace
}  // namespace warden
