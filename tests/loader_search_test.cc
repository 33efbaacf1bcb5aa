// The supervised tree's loader skips glibc's legacy hwcaps subdirectories:
// WithoutLegacyHwcapsSearch on its own, then a real program under the real
// supervisor with LD_LIBRARY_PATH set as cargo sets it for build scripts.
#include <sys/auxv.h>

#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "tests/scratch_dir.h"
#include "tracer/event.h"
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

class AllowAll : public Decider {
 public:
  bool Decide(const Event&, std::string_view) override { return true; }
};

// The directories below an LD_LIBRARY_PATH entry that glibc searches with
// the legacy hwcaps mask at 0: glibc-hwcaps/*, tls/ and the kernel's
// AT_PLATFORM name (haswell on some machines, x86_64 on others), alone and
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
  const char* auxv_platform =
      reinterpret_cast<const char*>(getauxval(AT_PLATFORM));
  const std::string platform = auxv_platform ? auxv_platform : "";
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

}  // namespace
}  // namespace warden
