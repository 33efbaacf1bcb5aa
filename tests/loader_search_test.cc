// The supervised tree's loader skips glibc's legacy hwcaps subdirectories:
// WithoutLegacyHwcapsSearch on its own, then a real program under the real
// supervisor with LD_LIBRARY_PATH set as cargo sets it for build scripts.
#include <string>
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

// The loader still searches LD_LIBRARY_PATH (its own directory and the
// glibc-hwcaps ones, as glibc 2.37 does) but not the hardware-capability
// subdirectories below it (avx512_1/, x86_64/ and their nestings): 12 fewer
// opens per directory for the supervisor to answer.
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
  bool searched = false;
  for (const Event& e : log.Events()) {
    if (!e.target.starts_with(lib_dir + "/")) continue;
    const std::string below = e.target.substr(lib_dir.size() + 1);
    searched |= below == "libc.so.6";
    for (const char* legacy : {"avx512_1/", "x86_64/"})
      EXPECT_EQ(below.find(legacy), std::string::npos) << e.target;
  }
  EXPECT_TRUE(searched) << "the loader did not search " << lib_dir;
}

}  // namespace
}  // namespace warden
