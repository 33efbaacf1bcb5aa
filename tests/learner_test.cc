// Tests for ProposePolicy and DiffPolicies, on observations modelled on what
// real build scripts do (/work/shared/corpus/FINDINGS.md).
#include "learner/learner.h"

#include <algorithm>
#include <cerrno>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "policy/directives.h"
#include "policy/yaml.h"

namespace warden {
namespace {

using Strings = std::vector<std::string>;

constexpr char kHome[] = "/home/dev";
constexpr char kSysroot[] =
    "/home/dev/.rustup/toolchains/stable-x86_64-unknown-linux-gnu";

// ---- Building observations ----

PathVars VarsFor(const std::string& crate, const std::string& hash) {
  PathVars vars;
  vars.target_dir = "/work/app/target";
  vars.out_dir = "/work/app/target/debug/build/" + crate + "-" + hash + "/out";
  vars.manifest_dir = "/usr/share/cargo/registry/" + crate;
  vars.workspace_root = "/work/app";
  vars.home = kHome;
  vars.cargo_home = "/home/dev/.cargo";
  vars.rustup_home = "/home/dev/.rustup";
  vars.tmp = "/tmp";
  vars.sysroot = kSysroot;
  vars.path_dirs = {"/home/dev/.cargo/bin",
                    "/usr/local/sbin",
                    "/usr/local/bin",
                    "/usr/sbin",
                    "/usr/bin",
                    "/sbin",
                    "/bin"};
  return vars;
}

Event Ev(Op op, std::string target, int error = 0, uint64_t count = 1) {
  Event event;
  event.op = op;
  event.target = std::move(target);
  event.error = error;
  event.count = count;
  return event;
}

Event Denied(Op op, std::string target) {
  Event event = Ev(op, std::move(target), EACCES);
  event.allowed = false;
  return event;
}

// Observation of a run: the build script's own exec and the dynamic loader's
// world, which every script shows (FINDINGS §1 and §3).
Observation Started(const std::string& name, const std::string& version,
                    const std::string& hash = "1a2b3c4d") {
  Observation obs;
  obs.package = {name, version, "registry"};
  obs.vars = VarsFor(name + "-" + version, hash);
  const std::string build = "/work/app/target/debug/build/" + name + "-" +
                            hash + "/build-script-build";
  obs.events = {
      Ev(Op::kExec, build),
      Ev(Op::kRead,
         "/work/app/target/debug/deps/glibc-hwcaps/x86-64-v3/"
         "libgcc_s.so.1",
         ENOENT, 80),
      Ev(Op::kRead, "/etc/ld.so.cache"),
      Ev(Op::kRead, "/lib/x86_64-linux-gnu/libgcc_s.so.1"),
      Ev(Op::kRead, "/lib/x86_64-linux-gnu/libc.so.6"),
      Ev(Op::kRead, "/proc/self/maps"),
      Ev(Op::kRead, "/sys/kernel/mm/transparent_hugepage/enabled"),
      Ev(Op::kRead, "/proc/sys/vm/overcommit_memory"),
  };
  return obs;
}

// AddPathExec records a program run by bare name: the $PATH walk's misses,
// then the hit in `dir`.
void AddPathExec(Observation& obs, const std::string& dir,
                 const std::string& program, uint64_t count = 1) {
  for (const std::string& probe : obs.vars.path_dirs) {
    if (probe == dir) break;
    obs.events.push_back(Ev(Op::kExec, probe + "/" + program, ENOENT, count));
  }
  obs.events.push_back(Ev(Op::kExec, dir + "/" + program, 0, count));
}

// Typenum-like: generates Rust code into OUT_DIR.
Observation PureScript() {
  Observation obs = Started("typenum", "1.16.0");
  for (const char* file : {"consts.rs", "op.rs", "tests.rs"}) {
    obs.events.push_back(Ev(Op::kCreate, obs.vars.out_dir + "/" + file));
  }
  obs.directives = {{0, "rerun-if-changed", "build/main.rs"}};
  return obs;
}

// libz-sys-like: pkg-config probe (FINDINGS §2).
Observation PkgConfigScript() {
  Observation obs = Started("libz-sys", "1.1.8");
  AddPathExec(obs, "/usr/bin", "pkg-config", 2);
  obs.events.push_back(
      Ev(Op::kRead, "/usr/lib/x86_64-linux-gnu/pkgconfig/zlib.pc", 0, 2));
  obs.events.push_back(
      Ev(Op::kRead, "/usr/local/lib/pkgconfig/zlib.pc", ENOENT, 2));
  obs.env_used = {"PKG_CONFIG_PATH", "LIBZ_SYS_STATIC", "PKG_CONFIG_PATH",
                  "ZLIB_NO_PKG_CONFIG"};
  obs.directives = {{0, "rustc-link-lib", "z"},
                    {0, "rustc-link-search", "native=/usr/lib"},
                    {0, "rustc-link-lib", "z"}};
  return obs;
}

// RandomName is a mkstemp-like name: "cc" + 6 random alphanumerics.
std::string RandomName(std::mt19937& rng) {
  static constexpr char kChars[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string name = "cc";
  for (int i = 0; i < 6; ++i) name += kChars[rng() % (sizeof(kChars) - 1)];
  return name;
}

// ring-like: 26 × cc → cc1 → as with gcc temporaries in /tmp, 71 of its own
// files, 23 system headers across /usr/include subdirectories, 4 × ar.
Observation CcScript() {
  Observation obs = Started("ring", "0.16.20");
  std::mt19937 rng(20);
  const std::string& own = obs.vars.manifest_dir;
  for (int i = 0; i < 26; ++i) {
    AddPathExec(obs, "/usr/bin", "cc");
    obs.events.push_back(Ev(Op::kExec, "/usr/lib/gcc/x86_64-linux-gnu/12/cc1"));
    obs.events.push_back(Ev(Op::kExec, "/usr/bin/as"));
    const std::string tmp = "/tmp/" + RandomName(rng) + ".s";
    obs.events.push_back(Ev(Op::kCreate, tmp));
    obs.events.push_back(Ev(Op::kRead, tmp));
    obs.events.push_back(Ev(Op::kUnlink, tmp));
    obs.events.push_back(
        Ev(Op::kCreate, obs.vars.out_dir + "/obj" + std::to_string(i) + ".o"));
  }
  for (int i = 0; i < 4; ++i) AddPathExec(obs, "/usr/bin", "ar");
  for (int i = 0; i < 71; ++i) {
    const char* dir = i < 40   ? "/crypto/fipsmodule/"
                      : i < 60 ? "/include/openssl/"
                               : "/pregenerated/";
    obs.events.push_back(
        Ev(Op::kRead, own + dir + "f" + std::to_string(i) + ".c", 0, 3));
  }
  for (int i = 0; i < 23; ++i) {
    const char* dir = i < 8    ? "/usr/include/openssl/"
                      : i < 13 ? "/usr/include/x86_64-linux-gnu/openssl/"
                               : "/usr/include/x86_64-linux-gnu/bits/";
    obs.events.push_back(
        Ev(Op::kRead, dir + std::string("h") + std::to_string(i) + ".h"));
  }
  obs.events.push_back(Ev(Op::kRead, "/etc/locale.alias", 0, 26));
  obs.events.push_back(Ev(Op::kRead, "/usr/lib/bfd-plugins/LLVMgold.so"));
  obs.events.push_back(Ev(Op::kRead, "/tmp/ccmissing.s", ENOENT));
  obs.env_used = {"CC_x86_64-unknown-linux-gnu", "CFLAGS",
                  "RING_PREGENERATE_ASM"};
  obs.directives = {{0, "rustc-link-lib", "static=ring-core"},
                    {0, "rustc-link-search", "native=/work/app/target"}};
  return obs;
}

// jemalloc-sys-like configure step that runs git: reads ~/.gitconfig.
Observation GitConfigScript() {
  Observation obs = Started("jemalloc-sys", "0.3.2");
  AddPathExec(obs, "/usr/bin", "git");
  obs.events.push_back(Ev(Op::kRead, "/home/dev/.gitconfig"));
  obs.events.push_back(Ev(Op::kRead, "/home/dev/.config/git/config", ENOENT));
  obs.events.push_back(Ev(Op::kRead, "/etc/gitconfig"));
  return obs;
}

// ---- Looking at the result ----

std::vector<std::string> Values(const std::vector<Rule>& rules) {
  std::vector<std::string> values;
  for (const Rule& rule : rules) values.push_back(rule.value);
  return values;
}

std::vector<std::string> PathValues(const PackageEntry& entry) {
  std::vector<std::string> values = Values(entry.read);
  for (const Rule& rule : entry.write) values.push_back(rule.value);
  return values;
}

size_t LineCount(const PackageEntry& entry) {
  return entry.profiles.size() + entry.read.size() + entry.write.size() +
         entry.exec.size() + entry.connect.size() + entry.bind.size() +
         entry.env.size() + entry.directives.size();
}

const PackageEntry& OnlyEntry(const Policy& policy) {
  EXPECT_EQ(policy.packages.size(), 1u);
  return policy.packages.front();
}

const PackageEntry& Learn(const Observation& obs, Policy& storage) {
  storage = ProposePolicy({obs});
  return OnlyEntry(storage);
}

// IsTooBroad names the grants a proposal must never contain.
bool IsTooBroad(const std::string& value) {
  for (const char* broad : {"/", "/**", "/usr/**", "/usr/lib/**", "/etc/**",
                            "{home}", "{home}/**"}) {
    if (value == broad) return true;
  }
  return false;
}

const Rule* FindRule(const std::vector<Rule>& rules, const std::string& value) {
  for (const Rule& rule : rules) {
    if (rule.value == value) return &rule;
  }
  return nullptr;
}

// ---- ProposePolicy ----

TEST(ProposePolicyTest, PureBuildScriptNeedsNothingBeyondBaseline) {
  Policy policy;
  const PackageEntry& entry = Learn(PureScript(), policy);
  EXPECT_EQ(entry.name, "typenum");
  EXPECT_EQ(entry.version_req, "");
  EXPECT_EQ(entry.source, "registry");
  EXPECT_TRUE(entry.profiles.empty());
  EXPECT_TRUE(entry.read.empty());
  EXPECT_TRUE(entry.write.empty());
  EXPECT_TRUE(entry.exec.empty());
  // rerun-if-changed changes nothing about compiling or linking: no grant.
  EXPECT_TRUE(entry.directives.empty());
  EXPECT_EQ(entry.comment, "learned from 1 run, 90 events");
}

TEST(ProposePolicyTest, PkgConfigCrateGetsProfileAndFewRules) {
  Policy policy;
  const PackageEntry& entry = Learn(PkgConfigScript(), policy);
  EXPECT_EQ(entry.profiles, (Strings{"pkg-config"}));
  EXPECT_TRUE(entry.exec.empty());
  EXPECT_TRUE(entry.read.empty());
  // Names the pkg-config profile already passes are not repeated.
  EXPECT_TRUE(entry.env.empty());
  EXPECT_EQ(Values(entry.directives),
            (Strings{"rustc-link-lib", "rustc-link-search"}));
}

TEST(ProposePolicyTest, EnvNamesAreSortedAndDeduplicated) {
  Observation obs = PureScript();
  obs.env_used = {"ZETA_DIR", "ALPHA_DIR", "ZETA_DIR", "OUT_DIR"};
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  // OUT_DIR is in the baseline.
  EXPECT_EQ(Values(entry.env), (Strings{"ALPHA_DIR", "ZETA_DIR"}));
}

TEST(ProposePolicyTest, EnvNamesKeepTargetTriplesAndDropTheUnspellable) {
  Observation obs = PureScript();
  // As bindgen declares them; a triple's '-' is spellable, a leading '-' or
  // digit is not, '$' ends the spellable prefix.
  obs.env_used = {"BINDGEN_EXTRA_CLANG_ARGS",
                  "BINDGEN_EXTRA_CLANG_ARGS_x86_64-unknown-linux-gnu",
                  "LIBCLANG_PATH",
                  "ODD$NAME",
                  "-odd",
                  "9LIVES"};
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.env),
            (Strings{"BINDGEN_EXTRA_CLANG_ARGS",
                     "BINDGEN_EXTRA_CLANG_ARGS_x86_64-unknown-linux-gnu",
                     "LIBCLANG_PATH", "ODD*"}));
  EXPECT_TRUE(LoadPolicyText(SavePolicy(policy), "warden.yaml").ok());
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

TEST(ProposePolicyTest, FailedAndDeniedEventsNeverBecomeGrants) {
  Observation obs = Started("probe", "1.0.0");
  obs.events.push_back(Ev(Op::kRead, "/opt/sdk/include/zlib.h", ENOENT, 40));
  obs.events.push_back(Ev(Op::kExec, "/usr/bin/freebsd-version", ENOENT, 11));
  obs.events.push_back(Ev(Op::kMkdir, "/work/app", EEXIST));
  obs.events.push_back(Ev(Op::kConnect, "tcp:10.0.0.1:443", ECONNREFUSED));
  obs.events.push_back(Denied(Op::kCreate, "/home/dev/.ssh/authorized_keys"));
  obs.events.push_back(Denied(Op::kConnect, "tcp:93.184.216.34:80"));
  Event denied_ok = Ev(Op::kExec, "/usr/bin/curl");
  denied_ok.allowed = false;  // denied, though the kernel call "succeeded"
  obs.events.push_back(denied_ok);
  obs.events.push_back(Ev(Op::kSyscall, "ptrace"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(LineCount(entry), 0u) << SavePolicy(policy);
}

// The jobserver pipe reopened through /proc/self/fd/N is logged by kind
// ("pipe:"); the supervisor allows held objects without a policy.
TEST(ProposePolicyTest, HeldObjectsNeverBecomeGrants) {
  Observation obs = Started("anyhow", "1.0.69");
  obs.events.push_back(Ev(Op::kWrite, "pipe:", 0, 2));
  obs.events.push_back(Ev(Op::kRead, "socket:"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(LineCount(entry), 0u) << SavePolicy(policy);
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

TEST(ProposePolicyTest, ExecByNameOnlyWhenFoundThroughPath) {
  Observation obs = Started("mixed", "0.1.0");
  AddPathExec(obs, "/usr/bin", "protoc");
  obs.events.push_back(Ev(Op::kExec, "/opt/protobuf/bin/protoc"));
  obs.events.push_back(Ev(Op::kExec, obs.vars.manifest_dir + "/configure"));
  obs.events.push_back(Ev(Op::kExec, "/work/app/target/debug/helper"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.exec),
            (Strings{"/opt/protobuf/bin/protoc", "protoc",
                     "{manifest_dir}/configure", "{target_dir}/debug/helper"}));
}

TEST(ProposePolicyTest, RustcThroughRustupProxyPicksRustcProfile) {
  Observation obs = Started("libudev-sys", "0.1.4");
  AddPathExec(obs, "/home/dev/.cargo/bin", "rustc");
  obs.events.push_back(Ev(Op::kExec, std::string(kSysroot) + "/bin/rustc"));
  obs.events.push_back(
      Ev(Op::kRead, std::string(kSysroot) + "/lib/librustc_driver.so", 0, 3));
  obs.events.push_back(Ev(Op::kWrite, "/dev/fd/4", 0, 2));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(entry.profiles, (Strings{"rustc"}));
  EXPECT_EQ(LineCount(entry), 1u) << SavePolicy(policy);
}

TEST(ProposePolicyTest, ToolchainsAreRecognisedUnderDistributionNames) {
  Observation obs = Started("cc-probe", "1.0.0");
  obs.events.push_back(Ev(Op::kExec, "/usr/bin/x86_64-linux-gnu-gcc-12"));
  obs.events.push_back(Ev(Op::kExec, "/usr/lib/llvm-14/bin/clang-14"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(entry.profiles, (Strings{"c-toolchain"}));
  // The profile runs clang by name only.
  EXPECT_EQ(Values(entry.exec), (Strings{"/usr/lib/llvm-14/bin/clang-14"}));
}

TEST(ProposePolicyTest, ShellAndCoreutilsPickShellProfile) {
  Observation obs = Started("jemalloc-sys", "0.3.2");
  obs.events.push_back(Ev(Op::kExec, "/bin/sh"));
  AddPathExec(obs, "/usr/bin", "rm", 334);
  AddPathExec(obs, "/usr/bin", "hostname");
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(entry.profiles, (Strings{"shell"}));
  EXPECT_TRUE(entry.exec.empty()) << SavePolicy(policy);
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

TEST(ProposePolicyTest, NetworkTargetsAreKeptExactly) {
  Observation obs = Started("net", "1.0.0");
  obs.events.push_back(Ev(Op::kConnect, "tcp:127.0.0.1:8080", 0, 3));
  obs.events.push_back(Ev(Op::kConnect, "unix:/run/x.sock"));
  obs.events.push_back(Ev(Op::kBind, "tcp:[::1]:9000"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.connect),
            (Strings{"tcp:127.0.0.1:8080", "unix:/run/x.sock"}));
  EXPECT_EQ(entry.connect[0].comment, "3 accesses");
  EXPECT_EQ(Values(entry.bind), (Strings{"tcp:[::1]:9000"}));
}

TEST(ProposePolicyTest, RunsOfOnePackageMergeIntoOneEntry) {
  // Two builds with different features: different OUT_DIR hashes and
  // different accesses.
  Observation plain = Started("openssl-sys", "0.9.80", "aaaa1111");
  AddPathExec(plain, "/usr/bin", "pkg-config");
  plain.events.push_back(Ev(Op::kRead, "/opt/ssl/openssl.cnf"));
  plain.env_used = {"OPENSSL_DIR"};
  plain.directives = {{0, "rustc-link-lib", "ssl"}};

  Observation vendored = Started("openssl-sys", "0.9.80", "bbbb2222");
  AddPathExec(vendored, "/usr/bin", "cc");
  vendored.events.push_back(Ev(Op::kRead, "/opt/ssl/openssl.cnf", 0, 2));
  vendored.events.push_back(Ev(Op::kCreate, vendored.vars.out_dir + "/x.o"));
  vendored.env_used = {"OPENSSL_NO_VENDOR"};
  vendored.directives = {{0, "rustc-link-lib", "crypto"},
                         {0, "rustc-cfg", "ossl300"}};

  const Policy policy = ProposePolicy({plain, vendored});
  const PackageEntry& entry = OnlyEntry(policy);
  EXPECT_EQ(entry.profiles, (Strings{"c-toolchain", "pkg-config"}));
  ASSERT_EQ(Values(entry.read), (Strings{"/opt/ssl/openssl.cnf"}));
  EXPECT_EQ(entry.read[0].comment, "3 accesses");
  EXPECT_TRUE(entry.write.empty());
  EXPECT_EQ(Values(entry.env), (Strings{"OPENSSL_DIR", "OPENSSL_NO_VENDOR"}));
  EXPECT_EQ(Values(entry.directives), (Strings{"rustc-cfg", "rustc-link-lib"}));
  EXPECT_TRUE(entry.comment.starts_with("learned from 2 runs, "))
      << entry.comment;
}

TEST(ProposePolicyTest, RunsFromDifferentSourcesShareAnEntryWithoutSource) {
  Observation path_run = PureScript();
  path_run.package.source = "path";
  const Policy policy = ProposePolicy({PureScript(), path_run});
  const PackageEntry& entry = OnlyEntry(policy);
  EXPECT_EQ(entry.source, "");
  EXPECT_TRUE(entry.comment.starts_with("learned from 2 runs, "));
  EXPECT_TRUE(LoadPolicyText(SavePolicy(policy), "warden.yaml").ok());
}

TEST(ProposePolicyTest, OneEntryPerPackageSortedByName) {
  const Policy policy =
      ProposePolicy({GitConfigScript(), PureScript(), PkgConfigScript()});
  std::vector<std::string> names;
  for (const PackageEntry& entry : policy.packages) names.push_back(entry.name);
  EXPECT_EQ(names, (Strings{"jemalloc-sys", "libz-sys", "typenum"}));
}

TEST(ProposePolicyTest, OutputIsByteIdenticalForShuffledInput) {
  std::vector<Observation> observations = {
      CcScript(), PkgConfigScript(), GitConfigScript(), PureScript(),
      Started("ring", "0.16.20", "ffff0000")};
  const std::string expected = SavePolicy(ProposePolicy(observations));
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(observations.begin(), observations.end(), rng);
    for (Observation& obs : observations) {
      std::shuffle(obs.events.begin(), obs.events.end(), rng);
      std::shuffle(obs.env_used.begin(), obs.env_used.end(), rng);
      std::shuffle(obs.directives.begin(), obs.directives.end(), rng);
    }
    EXPECT_EQ(SavePolicy(ProposePolicy(observations)), expected);
  }
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

// ExpectAllowsDirectives checks that the proposal for `obs`, saved and
// loaded, allows every directive of the run except WARDEN_* variables.
void ExpectAllowsDirectives(const Observation& obs) {
  const Policy policy = ProposePolicy({obs});
  const auto loaded = LoadPolicyText(SavePolicy(policy), "warden.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status() << "\n" << SavePolicy(policy);
  const auto compiled = CompilePackagePolicy(*loaded, obs.package, obs.vars);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  for (const Directive& directive : obs.directives) {
    const ParsedDirective parsed =
        DirectiveFromStored(directive.key, directive.value);
    const DirectiveVerdict verdict = CheckDirective(**compiled, parsed);
    EXPECT_EQ(verdict.allowed, !AlwaysDropped(parsed))
        << directive.key << "=" << directive.value << ": " << verdict.reason
        << "\n" << SavePolicy(policy);
  }
}

TEST(ProposePolicyTest, LinkArgumentsAreProposedWithTheirExactValue) {
  Observation obs = PureScript();
  obs.directives = {{0, "rustc-link-arg", "-Wl,--as-needed"},
                    {0, "rustc-link-arg", "-Wl,--version-script=a*b?.map"},
                    {0, "rustc-link-arg-bin", "app=-Tlink.x"},
                    {0, "rustc-cdylib-link-arg", "-Wl,-soname,libx.so"},
                    {0, "rustc-flags", "-l z"}};
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.directives),
            (Strings{"rustc-cdylib-link-arg=-Wl,-soname,libx.so",
                     "rustc-flags=-l z", "rustc-link-arg-bin=app=-Tlink.x",
                     "rustc-link-arg=-Wl,--as-needed",
                     "rustc-link-arg=-Wl,--version-script=a\\*b\\?.map"}));
  ExpectAllowsDirectives(obs);
  // The escaped pattern matches only the exact value.
  const auto loaded = LoadPolicyText(SavePolicy(policy), "warden.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const auto compiled = CompilePackagePolicy(*loaded, obs.package, obs.vars);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_FALSE(CheckDirective(**compiled,
                              DirectiveFromStored(
                                  "rustc-link-arg",
                                  "-Wl,--version-script=aXbY.map"))
                   .allowed);
}

TEST(ProposePolicyTest, RustcEnvIsProposedByNameWhenDangerousNeverWarden) {
  Observation obs = PureScript();
  obs.directives = {{0, "rustc-env", "GIT_HASH=abc"},
                    {0, "rustc-env", "LD_LIBRARY_PATH=/opt/x"},
                    {0, "rustc-env", "WARDEN_MODE=learn"}};
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.directives),
            (Strings{"rustc-env", "rustc-env=LD_LIBRARY_PATH"}));
  ExpectAllowsDirectives(obs);
}

TEST(ProposePolicyTest, UnreadableLinkSearchPathsAreGrantedWithVariables) {
  Observation obs = PureScript();
  obs.directives = {{0, "rustc-link-search", "native=/work/app/target/lib"},
                    {0, "rustc-link-search", "native=/usr/lib"},
                    {0, "rustc-link-search", "native=" + obs.vars.out_dir},
                    {0, "rustc-flags", "-L /opt/a*b -lz"}};
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.directives),
            (Strings{"rustc-flags=-L /opt/a\\*b -lz", "rustc-link-search",
                     "rustc-link-search=/opt/a\\*b",
                     "rustc-link-search={target_dir}/lib"}));
  EXPECT_TRUE(entry.read.empty());
  ExpectAllowsDirectives(obs);
}

TEST(ProposePolicyTest, ProposalAllowsObservedDirectives) {
  ExpectAllowsDirectives(CcScript());
  ExpectAllowsDirectives(PkgConfigScript());
  ExpectAllowsDirectives(PureScript());
}

// ---- DiffPolicies ----

Policy OnePackage(const std::string& version_req,
                  std::vector<std::string> exec = {},
                  std::vector<std::string> connect = {}) {
  PackageEntry entry;
  entry.name = "build-helper";
  entry.version_req = version_req;
  entry.source = "registry";
  entry.profiles = {"pkg-config"};
  for (std::string& value : exec) entry.exec.push_back(Rule{value, "", "", {}});
  for (std::string& value : connect) {
    entry.connect.push_back(Rule{value, "", "", {}});
  }
  entry.read.push_back(Rule{"/usr/include/zlib.h", "", "3 accesses", {}});
  Policy policy;
  policy.packages.push_back(entry);
  return policy;
}

// Changes renders changes as "package kind value +/- [risk]" for comparing.
Strings Changes(const std::vector<PolicyChange>& changes) {
  Strings out;
  for (const PolicyChange& c : changes) {
    out.push_back(c.package + " " + c.kind + " " + c.value +
                  (c.added ? " +" : " -") +
                  (c.risk.empty() ? "" : " [" + c.risk + "]"));
  }
  return out;
}

TEST(DiffPoliciesTest, UnchangedPoliciesDiffEmpty) {
  const Policy policy = ProposePolicy({CcScript(), GitConfigScript()});
  EXPECT_TRUE(DiffPolicies(policy, policy).empty());
  EXPECT_TRUE(DiffPolicies(Policy{}, Policy{}).empty());
}

TEST(DiffPoliciesTest, AddedShellExecAndConnectAreLabelled) {
  const std::vector<PolicyChange> changes = DiffPolicies(
      OnePackage(""), OnePackage("", {"/bin/sh", "curl", "python3", "cc"},
                                 {"tcp:1.2.3.4:443"}));
  EXPECT_EQ(Changes(changes),
            (Strings{"build-helper connect tcp:1.2.3.4:443 + [network]",
                     "build-helper exec /bin/sh + [shell-exec]",
                     "build-helper exec cc +",
                     "build-helper exec curl + [downloader]",
                     "build-helper exec python3 + [shell-exec]"}));
}

TEST(DiffPoliciesTest, RemovedGrantsAreFlaggedWithoutRisk) {
  const std::vector<PolicyChange> changes =
      DiffPolicies(OnePackage("", {"/bin/sh"}), OnePackage(""));
  EXPECT_EQ(Changes(changes), (Strings{"build-helper exec /bin/sh -"}));
}

TEST(DiffPoliciesTest, VersionChangeIsReportedAndGrantsStillDiffed) {
  const std::vector<PolicyChange> changes = DiffPolicies(
      OnePackage("^0.16"), OnePackage("^0.17", {}, {"unix:/run/x.sock"}));
  ASSERT_EQ(
      Changes(changes),
      (Strings{"build-helper connect unix:/run/x.sock + [network]",
               "build-helper version ^0.16 (registry) -> ^0.17 (registry) +"}));
  EXPECT_EQ(changes[1].old_version, "^0.16");
  EXPECT_EQ(changes[1].new_version, "^0.17");
}

TEST(DiffPoliciesTest, EachRiskyKindGetsItsLabel) {
  Policy before = OnePackage("");
  Policy after = before;
  PackageEntry& entry = after.packages[0];
  entry.profiles.push_back("shell");
  entry.read.push_back(Rule{"{home}/.gitconfig", "", "", {}});
  entry.read.push_back(Rule{"/etc/gitconfig", "", "", {}});
  entry.write.push_back(Rule{"{out_dir}/**", "", "", {}});
  entry.write.push_back(Rule{"{tmp}/cc*", "", "", {}});
  entry.directives.push_back(Rule{"rustc-link-arg-bins", "", "", {}});
  entry.directives.push_back(Rule{"rustc-link-search", "", "", {}});
  entry.directives.push_back(Rule{"rustc-cfg", "", "", {}});
  entry.env.push_back(Rule{"FOO", "", "", {}});
  EXPECT_EQ(
      Changes(DiffPolicies(before, after)),
      (Strings{"build-helper directive rustc-cfg +",
               "build-helper directive rustc-link-arg-bins + [link-arg]",
               "build-helper directive rustc-link-search + [link-arg]",
               "build-helper env FOO +",
               "build-helper profile shell + [shell-exec]",
               "build-helper read /etc/gitconfig +",
               "build-helper read {home}/.gitconfig + [home-read]",
               "build-helper write {out_dir}/** +",
               "build-helper write {tmp}/cc* + [write-outside-out-dir]"}));
}

TEST(DiffPoliciesTest, NewAndDroppedPackages) {
  const Policy before = ProposePolicy({PureScript()});
  const Policy after = ProposePolicy({GitConfigScript()});
  const std::vector<PolicyChange> changes = DiffPolicies(before, after);
  const Strings rendered = Changes(changes);
  auto has = [&](const std::string& change) {
    return std::find(rendered.begin(), rendered.end(), change) !=
           rendered.end();
  };
  EXPECT_TRUE(has("jemalloc-sys package jemalloc-sys + [new-package]"));
  EXPECT_TRUE(has("typenum package typenum -"));
  EXPECT_TRUE(has("jemalloc-sys read {home}/.gitconfig + [home-read]"));
  EXPECT_TRUE(std::is_sorted(changes.begin(), changes.end(),
                             [](const PolicyChange& a, const PolicyChange& b) {
                               return std::tie(a.package, a.kind, a.value) <
                                      std::tie(b.package, b.kind, b.value);
                             }));
}

TEST(DiffPoliciesTest, DefaultsAreDiffedToo) {
  Policy after;
  after.defaults.connect.push_back(Rule{"tcp:10.0.0.1:3128", "", "", {}});
  EXPECT_EQ(Changes(DiffPolicies(Policy{}, after)),
            (Strings{"(defaults) connect tcp:10.0.0.1:3128 + [network]"}));
}

}  // namespace
}  // namespace warden
