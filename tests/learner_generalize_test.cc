// ProposePolicy turning paths into patterns: variables, temporaries, globs
// by directory and extension, never a shared root; and the proposal still
// allows every access it was learned from.
#include "learner/learner.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "policy/yaml.h"
#include "tests/learner_test_util.h"

namespace warden::learnertest {
namespace {

std::vector<std::string> PathValues(const PackageEntry& entry) {
  std::vector<std::string> values = Values(entry.read);
  for (const Rule& rule : entry.write) values.push_back(rule.value);
  return values;
}

// IsTooBroad names the grants a proposal must never contain.
bool IsTooBroad(const std::string& value) {
  for (const char* broad : {"/", "/**", "/usr/**", "/usr/lib/**", "/etc/**",
                            "{home}", "{home}/**"}) {
    if (value == broad) return true;
  }
  return false;
}

TEST(ProposePolicyTest, UnspellablePathCharactersMatchAnyCharacter) {
  Observation obs = Started("braces", "1.0.0");
  obs.events.push_back(Ev(Op::kRead, "/opt/odd/{weird}.txt"));
  AddPathExec(obs, "/usr/bin", "my tool");
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.read), (Strings{"/opt/odd/?weird?.txt"}));
  EXPECT_EQ(Values(entry.exec), (Strings{"my?tool"}));
  const auto loaded = LoadPolicyText(SavePolicy(policy), "warden.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const auto compiled = CompilePackagePolicy(*loaded, obs.package, obs.vars);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_NE((*compiled)->Allows(Access::kRead, "/opt/odd/{weird}.txt"),
            nullptr);
}

TEST(ProposePolicyTest, CcCrateStaysShortAndNarrow) {
  Policy policy;
  const PackageEntry& entry = Learn(CcScript(), policy);
  EXPECT_EQ(entry.profiles, (Strings{"c-toolchain"}));
  EXPECT_LE(LineCount(entry), 25u) << SavePolicy(policy);
  // The 26 random temporaries fold into one pattern, here the profile's.
  for (const std::string& value : PathValues(entry)) {
    EXPECT_FALSE(value.starts_with("{tmp}/cc")) << value;
    EXPECT_FALSE(value.starts_with("{out_dir}")) << value;
    EXPECT_FALSE(IsTooBroad(value)) << value;
  }
  EXPECT_TRUE(entry.exec.empty());
  EXPECT_EQ(Values(entry.env), (Strings{"RING_PREGENERATE_ASM"}));
}

TEST(ProposePolicyTest, TemporariesWithoutProfileBecomeOnePrefixGlob) {
  Observation obs = CcScript();
  // A compiler the profile does not know: no profile covers the temporaries.
  for (Event& event : obs.events) {
    if (event.target == "/usr/bin/cc") event.target = "/opt/cross/bin/xcc";
  }
  std::erase_if(obs.events, [](const Event& e) {
    return e.op == Op::kExec && e.target != "/opt/cross/bin/xcc" &&
           !e.target.ends_with("build-script-build");
  });
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_TRUE(entry.profiles.empty());
  ASSERT_EQ(Values(entry.write), (Strings{"{tmp}/cc*"}));
  // 26 creates + 26 unlinks, and the reads the write grant covers.
  EXPECT_EQ(entry.write[0].comment, "78 accesses");
  EXPECT_EQ(Values(entry.read),
            (Strings{"/usr/include/**", "/usr/lib/bfd-plugins/LLVMgold.so"}));
  EXPECT_EQ(FindRule(entry.read, "/usr/include/**")->comment, "23 accesses");
  EXPECT_EQ(Values(entry.exec), (Strings{"/opt/cross/bin/xcc"}));
  EXPECT_LE(LineCount(entry), 25u) << SavePolicy(policy);
}

TEST(ProposePolicyTest, TemporaryNamesKeepOnlyTheirFixedPart) {
  Observation obs = Started("tmpfiles", "1.0.0");
  // A here-document of sh, rustc's scratch directory and what lies in it.
  obs.events.push_back(Ev(Op::kCreate, "/tmp/sh-thd.Xy12Zq"));
  obs.events.push_back(Ev(Op::kMkdir, "/tmp/rustcAb12Cd"));
  obs.events.push_back(Ev(Op::kCreate, "/tmp/rustcAb12Cd/lib.rmeta"));
  obs.events.push_back(Ev(Op::kRmdir, "/tmp/rustcQq34Zz"));
  // Names that do not look random stay as they are.
  obs.events.push_back(Ev(Op::kCreate, "/tmp/build.log"));
  obs.events.push_back(Ev(Op::kCreate, "/tmp/ccabcdef.s"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.write),
            (Strings{"{tmp}/build.log", "{tmp}/ccabcdef.s", "{tmp}/rustc*/**",
                     "{tmp}/sh-thd.*"}));
  EXPECT_EQ(FindRule(entry.write, "{tmp}/rustc*/**")->comment, "3 accesses");
}

TEST(ProposePolicyTest, HomeFilesStayExact) {
  Observation obs = GitConfigScript();
  for (const char* file : {"a.toml", "b.toml", "c.toml", "d.toml"}) {
    obs.events.push_back(Ev(Op::kRead, std::string(kHome) + "/" + file));
  }
  obs.events.push_back(Ev(Op::kRead, "/home/dev/.config/x/one.conf"));
  obs.events.push_back(Ev(Op::kRead, "/home/dev/.local/y/two.conf"));
  // Another user's home is no more globbable than ours.
  obs.events.push_back(Ev(Op::kRead, "/home/ann/src/a/x.h"));
  obs.events.push_back(Ev(Op::kRead, "/home/ann/src/b/y.h"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(
      Values(entry.read),
      (Strings{"/etc/gitconfig", "/home/ann/src/a/x.h", "/home/ann/src/b/y.h",
               "{home}/.config/x/one.conf", "{home}/.gitconfig",
               "{home}/.local/y/two.conf", "{home}/a.toml", "{home}/b.toml",
               "{home}/c.toml", "{home}/d.toml"}));
  EXPECT_EQ(Values(entry.exec), (Strings{"git"}));
}

// configure runs what it built in OUT_DIR: one glob, not a line per program.
TEST(ProposePolicyTest, ProgramsInOutDirBecomeOneGlob) {
  Observation obs = Started("jemalloc-sys", "0.3.2");
  for (const char* program : {"/build/conftest", "/include/jemalloc.sh",
                              "/include/internal/private_symbols.sh"})
    obs.events.push_back(Ev(Op::kExec, obs.vars.out_dir + program, 0, 2));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.exec), (Strings{"{out_dir}/**"}));
}

TEST(ProposePolicyTest, PathsGetTheLongestVariableOnWholeComponents) {
  Observation obs = Started("vars", "1.0.0");
  obs.events.push_back(Ev(Op::kCreate, "/work/app/target/debug/.lock"));
  obs.events.push_back(Ev(Op::kCreate, "/work/app/generated.rs"));
  obs.events.push_back(Ev(Op::kRead, "/work/app-other/x.txt"));
  obs.events.push_back(Ev(Op::kRead, "/tmpfs/data.bin"));
  obs.events.push_back(Ev(Op::kRead, "/home/dev/.cargo/config.toml"));
  obs.events.push_back(Ev(Op::kRead, "/proc/4242/statm"));
  // Renaming needs write on both names.
  Event rename = Ev(Op::kRename, "/work/app/a.tmp");
  rename.detail = "/work/app/a.txt";
  obs.events.push_back(rename);
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(
      Values(entry.write),
      (Strings{"{target_dir}/debug/.lock", "{workspace_root}/a.tmp",
               "{workspace_root}/a.txt", "{workspace_root}/generated.rs"}));
  EXPECT_EQ(Values(entry.read),
            (Strings{"/tmpfs/data.bin", "/work/app-other/x.txt",
                     "{cargo_home}/config.toml"}));
}

TEST(ProposePolicyTest, GroupsByExtensionAndBySpreadSubdirectories) {
  Observation obs = Started("groups", "1.0.0");
  for (const char* pc : {"a.pc", "b.pc", "c.pc", "d.pc"}) {
    obs.events.push_back(Ev(Op::kRead, std::string("/opt/pc/") + pc));
  }
  obs.events.push_back(Ev(Op::kRead, "/opt/pc/readme.txt"));
  for (const char* h : {"/opt/sdk/include/a/x.h", "/opt/sdk/include/b/y.h",
                        "/opt/sdk/include/z.h"}) {
    obs.events.push_back(Ev(Op::kRead, h));
  }
  // Spread over /usr, but /usr is too broad: kept file by file.
  obs.events.push_back(Ev(Op::kRead, "/usr/games/fortune"));
  obs.events.push_back(Ev(Op::kRead, "/usr/src/linux/Makefile"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(
      Values(entry.read),
      (Strings{"/opt/pc/*.pc", "/opt/pc/readme.txt", "/opt/sdk/include/**",
               "/usr/games/fortune", "/usr/src/linux/Makefile"}));
  EXPECT_EQ(FindRule(entry.read, "/opt/sdk/include/**")->comment, "3 accesses");
}

TEST(ProposePolicyTest, ManyRulesFoldByDirectoryButNeverIntoSharedRoots) {
  Observation obs = Started("walker", "1.0.0");
  // A libclang-style search: 14 unrelated files in one directory, and one
  // entry in each of 15 directories of a root never granted whole.
  for (int i = 0; i < 15; ++i) {
    const std::string n = std::to_string(i);
    if (i < 14) {
      obs.events.push_back(Ev(Op::kRead, "/opt/data/f" + n + ".e" + n));
    }
    obs.events.push_back(Ev(Op::kRead, "/usr/share/x" + n + "/libclang.so"));
  }
  obs.events.push_back(Ev(Op::kRead, "/etc/ssl/certs"));
  obs.events.push_back(Ev(Op::kRead, "/etc/ssl/private"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  // /usr/share is listed level by level; /etc is never listed.
  EXPECT_EQ(Values(entry.read), (Strings{"/etc/ssl/certs", "/etc/ssl/private",
                                         "/opt/data/**", "/usr/share/*/*"}));
  EXPECT_EQ(FindRule(entry.read, "/opt/data/**")->comment, "14 accesses");
}

// ExpectAllowsObserved checks that the proposal for `obs` survives a
// save/load round trip and allows every successful access of the run.
void ExpectAllowsObserved(const Observation& obs) {
  const Policy policy = ProposePolicy({obs});
  const auto loaded = LoadPolicyText(SavePolicy(policy), "warden.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const auto compiled = CompilePackagePolicy(*loaded, obs.package, obs.vars);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  for (const Event& event : obs.events) {
    const Access access = AccessOf(event.op);
    if (event.error != 0 || !event.allowed || access == Access::kNone ||
        event.target.ends_with("build-script-build")) {
      continue;
    }
    EXPECT_NE((*compiled)->Allows(access, event.target, event.target), nullptr)
        << event.target << "\n"
        << SavePolicy(policy);
  }
}

// sysinfo reads each block device's and network interface's files: one
// pattern per file, '*' for the device, never a tree over /sys/devices
// (which holds the machine's serial numbers).
TEST(ProposePolicyTest, SysfsDeviceReadsFoldNoBroaderThanTheSiblingsRead) {
  Observation obs = Started("sysinfo", "0.30.0");
  for (const char* disk : {"nvme0n1", "nvme1n1", "sda"})
    for (const char* file : {"queue/rotational", "removable"})
      obs.events.push_back(Ev(Op::kRead, std::string("/sys/devices/pci0000:00/block/") +
                                             disk + "/" + file));
  for (const char* net : {"lo", "docker0", "veth1a2b"})
    for (const char* counter : {"rx_bytes", "tx_bytes", "rx_packets", "tx_packets",
                                "rx_errors", "tx_errors"})
      obs.events.push_back(Ev(Op::kRead, std::string("/sys/devices/virtual/net/") +
                                             net + "/statistics/" + counter));
  obs.events.push_back(Ev(Op::kRead, "/sys/devices/virtual/dmi/id/product_name"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.read),
            (Strings{"/sys/devices/pci0000:00/block/*/queue/rotational",
                     "/sys/devices/pci0000:00/block/*/removable",
                     "/sys/devices/virtual/dmi/id/product_name",
                     "/sys/devices/virtual/net/*/statistics/*s"}));
  ExpectAllowsObserved(obs);
}

// However many device files: no tree shallower than /sys/<tree>/<dir>/.
TEST(ProposePolicyTest, ManySysfsReadsNeverFoldIntoSysOrSysDevices) {
  Observation obs = Started("sysinfo", "0.30.0");
  for (int i = 0; i < 30; ++i)
    obs.events.push_back(Ev(Op::kRead, "/sys/devices/d" + std::to_string(i) +
                                           "/f" + std::to_string(i)));
  for (int i = 0; i < 20; ++i)
    obs.events.push_back(Ev(Op::kRead, "/sys/class/c" + std::to_string(i) + "/x/y" +
                                           std::to_string(i)));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  for (const std::string& value : Values(entry.read))
    for (const char* broad : {"/sys/**", "/sys/devices/**", "/sys/class/**"})
      EXPECT_NE(value, broad);
  ExpectAllowsObserved(obs);
}

TEST(ProposePolicyTest, ProposalAllowsWhatWasObserved) {
  ExpectAllowsObserved(CcScript());
  ExpectAllowsObserved(GitConfigScript());
  ExpectAllowsObserved(PkgConfigScript());
}

TEST(ProposePolicyTest, BroadListingDoesNotSwallowDeeperTrees) {
  Observation obs = Started("walker", "1.0.0");
  // One entry two levels below /usr in each of 14 directories, and headers
  // deeper down: "/usr/*/*" must not be taken to cover "/usr/include/**".
  for (int i = 0; i < 14; ++i) {
    obs.events.push_back(
        Ev(Op::kRead, "/usr/d" + std::to_string(i) + "/entry"));
  }
  obs.events.push_back(Ev(Op::kRead, "/usr/include/a/x.h"));
  obs.events.push_back(Ev(Op::kRead, "/usr/include/b/y.h"));
  // Grouped first as "/usr/d0/*.cfg", which the listing does cover.
  for (const char* cfg : {"a.cfg", "b.cfg", "c.cfg", "d.cfg"}) {
    obs.events.push_back(Ev(Op::kRead, std::string("/usr/d0/") + cfg));
  }
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.read), (Strings{"/usr/*/*", "/usr/include/**"}));
  EXPECT_EQ(FindRule(entry.read, "/usr/*/*")->comment, "18 accesses");
  ExpectAllowsObserved(obs);
}

// An interpreter installed under $HOME (pyenv) and its library become one
// tree; installations that hold other data, or were read only in part, do
// not.
TEST(ProposePolicyTest, AnInstallationReadAsAWholeIsOneTree) {
  auto learn = [](const std::string& prefix, const std::string& program, int files) {
    Observation obs = Started("pyo3-build-config", "0.17.3");
    obs.events.push_back(Ev(Op::kExec, prefix + program));
    for (int i = 0; i < files; ++i)
      obs.events.push_back(
          Ev(Op::kRead, prefix + "/lib/python3.11/m" + std::to_string(i) + ".py"));
    Policy policy;
    PackageEntry entry = Learn(obs, policy);
    return std::make_pair(Values(entry.read), Values(entry.exec));
  };
  auto [reads, programs] = learn("/home/dev/.pyenv/versions/3.11.7", "/bin/python3.11", 8);
  EXPECT_EQ(reads, (Strings{"{home}/.pyenv/versions/3.11.7/**"}));
  EXPECT_EQ(programs, (Strings{"{home}/.pyenv/versions/3.11.7/**"}));
  EXPECT_EQ(learn("/home/dev/.pyenv/versions/3.11.7", "/bin/python3.11", 7).first.size(), 7u);
  for (const char* prefix : {"/home/dev/.local", "/home/dev", "/home/dev/.cargo", "/usr",
                             "/usr/local", "/home/other"}) {
    auto [r, p] = learn(prefix, "/bin/python3.11", 20);
    for (const std::string& value : r) EXPECT_FALSE(value.ends_with("/**")) << prefix << ": " << value;
  }
}

}  // namespace
}  // namespace warden::learnertest
