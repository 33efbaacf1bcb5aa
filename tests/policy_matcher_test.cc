// Tests for compiling and querying a package's policy (policy/matcher.h).
#include "policy/matcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "policy/profiles.h"
#include "policy/syntax.h"
#include "policy/yaml.h"
#include "absl/strings/match.h"

namespace warden {
namespace {

PathVars Vars() {
  PathVars vars;
  vars.out_dir = "/work/target/debug/build/ring-abc/out";
  vars.manifest_dir = "/home/u/.cargo/registry/src/index/ring-0.16.20";
  vars.target_dir = "/work/target";
  vars.workspace_root = "/work";
  vars.home = "/home/u";
  vars.cargo_home = "/home/u/.cargo";
  vars.rustup_home = "/home/u/.rustup";
  vars.tmp = "/tmp";
  vars.sysroot = "/home/u/.rustup/toolchains/stable-x86_64-unknown-linux-gnu";
  vars.path_dirs = {"/usr/local/bin", "/usr/bin/", "/bin"};
  return vars;
}

const PackageId kRing = {"ring", "0.16.20", "registry"};

Policy MustLoad(const std::string& text) {
  absl::StatusOr<Policy> policy = LoadPolicyText(text, "warden.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status();
  return policy.ok() ? *policy : Policy{};
}

std::unique_ptr<PackagePolicy> MustCompile(const Policy& policy,
                                           const PackageId& package = kRing,
                                           const PathVars& vars = Vars()) {
  absl::StatusOr<std::unique_ptr<PackagePolicy>> compiled =
      CompilePackagePolicy(policy, package, vars);
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() ? std::move(*compiled) : nullptr;
}

std::unique_ptr<PackagePolicy> CompileText(const std::string& text,
                                           const PackageId& package = kRing,
                                           const PathVars& vars = Vars()) {
  return MustCompile(MustLoad(text), package, vars);
}

// Origin is the origin of the grant that allows the access, or "denied".
std::string Origin(const PackagePolicy& policy, Access access,
                   std::string_view target, std::string_view requested = {}) {
  const Grant* grant = policy.Allows(access, target, requested);
  return grant == nullptr ? "denied" : grant->origin;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// ---- GlobMatch ----

struct GlobCase {
  const char* pattern;
  const char* path;
  bool match;
};

class GlobMatchTest : public testing::TestWithParam<GlobCase> {};

TEST_P(GlobMatchTest, Matches) {
  const GlobCase& c = GetParam();
  EXPECT_EQ(GlobMatch(c.pattern, c.path), c.match)
      << c.pattern << " vs " << c.path;
}

INSTANTIATE_TEST_SUITE_P(
    Table, GlobMatchTest,
    testing::Values(
        GlobCase{"/etc/hosts", "/etc/hosts", true},
        GlobCase{"/etc/hosts", "/etc/hosts2", false},
        GlobCase{"/etc/hosts", "/etc", false},
        GlobCase{"/etc/*", "/etc/hosts", true},
        GlobCase{"/etc/*", "/etc", false},
        GlobCase{"/etc/*", "/etc/ssl/certs", false},
        GlobCase{"/etc/*.conf", "/etc/ld.so.conf", true},
        GlobCase{"/etc/*.conf", "/etc/ld.so.conf.d", false},
        GlobCase{"/tmp/cc*", "/tmp/ccAbc.s", true},
        GlobCase{"/tmp/cc*", "/tmp/cc", true},
        GlobCase{"/tmp/cc*", "/tmp/xcc", false},
        GlobCase{"/a/?b", "/a/xb", true},
        GlobCase{"/a/?b", "/a/b", false},
        GlobCase{"/a/?", "/a//", false},
        GlobCase{"/a/**", "/a", true},
        GlobCase{"/a/**", "/a/x", true},
        GlobCase{"/a/**", "/a/x/y/z", true},
        GlobCase{"/a/**", "/ab", false},
        GlobCase{"/a/**", "/b/a", false},
        GlobCase{"/a/**/z", "/a/z", true},
        GlobCase{"/a/**/z", "/a/x/y/z", true},
        GlobCase{"/a/**/z", "/a/x/y/zz", false},
        GlobCase{"/a/**/b/**/c", "/a/b/x/b/y/c", true},
        GlobCase{"/a/**/*.h", "/a/x/y.h", true},
        GlobCase{"/a/**/*.h", "/a/x/y.c", false},
        GlobCase{"/usr/lib/llvm-*/**", "/usr/lib/llvm-14/lib/x.so", true},
        GlobCase{"/usr/lib/llvm-*/**", "/usr/lib/llvm/lib", false},
        GlobCase{"/lib/x86_64-linux-gnu/*.so*",
                 "/lib/x86_64-linux-gnu/libc.so.6", true},
        GlobCase{"/*a*b*", "/xaybz", true},
        GlobCase{"/*a*b*", "/xbya", false},
        GlobCase{"/proc/self/**", "/proc/1234/maps", true},
        GlobCase{"/proc/self/**", "/proc/1234", true},
        GlobCase{"/proc/self/fd/*", "/proc/99/fd/3", true},
        GlobCase{"/proc/self/fd/*", "/proc/99/fdinfo/3", false},
        GlobCase{"/proc/self/**", "/proc/12ab/maps", false},
        GlobCase{"/proc/self/**", "/proc/meminfo", false},
        GlobCase{"/proc/selfish", "/proc/1/ish", false},
        GlobCase{"relative/*", "relative/x", false},
        GlobCase{"/a", "", false}));

// ---- Variables and entry selection ----

TEST(CompileTest, ExpandsVariables) {
  auto policy = CompileText(R"(version: 1
packages:
  ring:
    read: ["{home}/.config/ring/*", "{workspace_root}//shared/"]
    write: ["{tmp}/ring-*"]
)");
  EXPECT_EQ(Origin(*policy, Access::kRead, "/home/u/.config/ring/x"),
            "ring: read");
  EXPECT_EQ(Origin(*policy, Access::kRead, "/work/shared"), "ring: read");
  EXPECT_EQ(Origin(*policy, Access::kWrite, "/tmp/ring-1"), "ring: write");
  EXPECT_EQ(Origin(*policy, Access::kRead, "/tmp/ring-1"), "ring: write");
  EXPECT_EQ(Origin(*policy, Access::kWrite, "/home/u/.config/ring/x"),
            "denied");
}

TEST(CompileTest, EmptyVariableDropsTheRule) {
  PathVars vars = Vars();
  vars.tmp.clear();
  auto policy = CompileText(
      "version: 1\npackages:\n  ring:\n    write: [\"{tmp}/cc*\"]\n", kRing,
      vars);
  EXPECT_EQ(Origin(*policy, Access::kWrite, "/cc1"), "denied");
  EXPECT_EQ(Origin(*policy, Access::kWrite, "/tmp/cc1"), "denied");
  EXPECT_FALSE(Contains(policy->Roots(Access::kWrite), "/"));
}

TEST(CompileTest, SelectsEntriesByNameVersionAndSource) {
  const std::string text = R"(version: 1
packages:
  ring@^0.16:
    read: ["/a"]
  ring@0.17:
    read: ["/b"]
  ring@*:
    source: git
    read: ["/c"]
  ringo:
    read: ["/d"]
)";
  auto old_ring = CompileText(text, {"ring", "0.16.20", "registry"});
  EXPECT_TRUE(old_ring->Mentioned());
  EXPECT_EQ(Origin(*old_ring, Access::kRead, "/a"), "ring: read");
  EXPECT_EQ(Origin(*old_ring, Access::kRead, "/b"), "denied");
  EXPECT_EQ(Origin(*old_ring, Access::kRead, "/c"), "denied");
  EXPECT_EQ(Origin(*old_ring, Access::kRead, "/d"), "denied");

  auto git_ring = CompileText(text, {"ring", "0.17.3", "git"});
  EXPECT_EQ(Origin(*git_ring, Access::kRead, "/a"), "denied");
  EXPECT_EQ(Origin(*git_ring, Access::kRead, "/b"), "ring: read");
  EXPECT_EQ(Origin(*git_ring, Access::kRead, "/c"), "ring: read");

  auto new_ring = CompileText(text, {"ring", "0.18.0", "registry"});
  EXPECT_FALSE(new_ring->Mentioned());
  EXPECT_EQ(Origin(*new_ring, Access::kRead, "/a"), "denied");
}

struct VersionCase {
  const char* req;
  const char* version;
  bool match;
};

class VersionReqTest : public testing::TestWithParam<VersionCase> {};

TEST_P(VersionReqTest, SelectsEntry) {
  const VersionCase& c = GetParam();
  Policy policy;
  PackageEntry entry;
  entry.name = "ring";
  entry.version_req = c.req;
  policy.packages.push_back(entry);
  auto compiled = MustCompile(policy, {"ring", c.version, "registry"});
  EXPECT_EQ(compiled->Mentioned(), c.match) << c.req << " vs " << c.version;
}

INSTANTIATE_TEST_SUITE_P(
    CargoRules, VersionReqTest,
    testing::Values(
        VersionCase{"^0.16", "0.16.20", true},
        VersionCase{"^0.16", "0.17.0", false},
        VersionCase{"0.16", "0.16.0", true},
        VersionCase{"0.16", "0.15.9", false},
        VersionCase{"1.2.3", "1.9.0", true},
        VersionCase{"1.2.3", "2.0.0", false},
        VersionCase{"1.2.3", "1.2.2", false},
        VersionCase{"^0.0.3", "0.0.3", true},
        VersionCase{"^0.0.3", "0.0.4", false},
        VersionCase{"^0.0", "0.0.9", true},
        VersionCase{"^0.0", "0.1.0", false},
        VersionCase{"^0", "0.9.9", true},
        VersionCase{"^0", "1.0.0", false},
        VersionCase{"~1.2", "1.2.9", true},
        VersionCase{"~1.2", "1.3.0", false},
        VersionCase{"~1", "1.9.0", true},
        VersionCase{"~1.2.3", "1.2.2", false},
        VersionCase{"=1.2.3", "1.2.3", true},
        VersionCase{"=1.2.3", "1.2.4", false},
        VersionCase{"=1.2", "1.2.7", true},
        VersionCase{">=1, <2", "1.5.0", true},
        VersionCase{">=1, <2", "2.0.0", false},
        VersionCase{">1.2", "1.2.9", false},
        VersionCase{">1.2", "1.3.0", true},
        VersionCase{">1.2.3", "1.2.4", true},
        VersionCase{"<=1.2", "1.2.9", true},
        VersionCase{"<=1.2", "1.3.0", false},
        VersionCase{"< 0.3", "0.2.99", true},
        VersionCase{"*", "123.4.5", true},
        VersionCase{"0.16.*", "0.16.3", true},
        VersionCase{"0.16.*", "0.17.0", false},
        VersionCase{"1.*", "1.99.0", true},
        VersionCase{"1.2.3", "1.2.3+build5", true},
        VersionCase{"^1.0.0", "1.1.0-alpha", false},
        VersionCase{"*", "1.1.0-alpha", false},
        VersionCase{">=1.0.0-alpha", "1.0.0-beta", true},
        VersionCase{">=1.0.0-alpha", "1.0.1-beta", false},
        VersionCase{"^1.0.0-alpha.2", "1.0.0-alpha.10", true},
        VersionCase{"^1.0.0-alpha.2", "1.0.0-alpha.1", false},
        VersionCase{"^1.0.0-alpha", "1.0.0", true},
        VersionCase{"^1.0.0-alpha", "1.0.0-alpha.beta", true},
        VersionCase{"1", "not-a-version", false},
        VersionCase{"", "not-a-version", true}));

TEST(CompileTest, RejectsInvalidRulesBuiltInCode) {
  Policy policy;
  PackageEntry entry;
  entry.name = "ring";
  entry.read.push_back(Rule{"etc/passwd", "", "", {}});
  policy.packages.push_back(entry);
  absl::StatusOr<std::unique_ptr<PackagePolicy>> compiled =
      CompilePackagePolicy(policy, kRing, Vars());
  ASSERT_FALSE(compiled.ok());
  EXPECT_EQ(compiled.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(compiled.status().message().find(
                "ring: read \"etc/passwd\": path is not absolute"),
            absl::string_view::npos)
      << compiled.status();

  policy.packages[0].read.clear();
  policy.packages[0].profiles = {"nope"};
  EXPECT_EQ(CompilePackagePolicy(policy, kRing, Vars()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CompileTest, ReportsFilePositionOfInvalidRule) {
  Policy policy = MustLoad("version: 1\npackages:\n  ring:\n    env: [X]\n");
  policy.packages[0].env[0].value = "X=Y";
  absl::StatusOr<std::unique_ptr<PackagePolicy>> compiled =
      CompilePackagePolicy(policy, kRing, Vars());
  ASSERT_FALSE(compiled.ok());
  EXPECT_TRUE(absl::StartsWith(compiled.status().message(),
                               "warden.yaml:4:11: bad environment variable"))
      << compiled.status();
}

// ---- Baseline ----

TEST(BaselineTest, UnmentionedPackageGetsOnlyTheBaseline) {
  auto policy = MustCompile(Policy{});
  const PathVars vars = Vars();
  EXPECT_FALSE(policy->Mentioned());
  EXPECT_EQ(Origin(*policy, Access::kRead, vars.manifest_dir + "/src/lib.rs"),
            "baseline: read");
  EXPECT_EQ(Origin(*policy, Access::kRead, vars.manifest_dir), "baseline: read");
  EXPECT_EQ(Origin(*policy, Access::kWrite, vars.out_dir + "/gen/x.rs"),
            "baseline: write");
  EXPECT_EQ(Origin(*policy, Access::kWrite, vars.manifest_dir + "/src/lib.rs"),
            "denied");
  EXPECT_EQ(Origin(*policy, Access::kRead, "/home/u/.ssh/id_rsa"), "denied");
  EXPECT_EQ(Origin(*policy, Access::kRead, "/etc/shadow"), "denied");
  EXPECT_EQ(Origin(*policy, Access::kExec, "/bin/sh", "/bin/sh"), "denied");
  EXPECT_EQ(Origin(*policy, Access::kExec, "/usr/bin/cc", "/usr/bin/cc"),
            "denied");
  EXPECT_EQ(Origin(*policy, Access::kConnect, "tcp:127.0.0.1:80"), "denied");
  EXPECT_EQ(Origin(*policy, Access::kBind, "tcp:0.0.0.0:8080"), "denied");
  EXPECT_EQ(Origin(*policy, Access::kConnect, "unix:/run/dbus/system_bus"),
            "denied");
}

TEST(BaselineTest, AllowsTheRuntime) {
  auto policy = MustCompile(Policy{});
  for (const char* path :
       {"/etc/ld.so.cache", "/lib/x86_64-linux-gnu/libc.so.6",
        "/usr/lib/x86_64-linux-gnu/libgcc_s.so.1",
        "/lib64/ld-linux-x86-64.so.2", "/proc/self/maps", "/proc/4242/status",
        "/sys/devices/system/cpu/online", "/dev/urandom",
        "/home/u/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib/"
        "libstd.so",
        "/work/target/debug/deps/libfoo.so",
        "/work/target/debug/build/foo-0123/build_script_build-0123.warden-real",
        "/usr/lib/debug/.build-id/93/ac61ec5a8eb1396f9fbd.debug"})
    EXPECT_EQ(Origin(*policy, Access::kRead, path), "baseline: read") << path;
  EXPECT_EQ(Origin(*policy, Access::kRead, "/work/target/debug/build/foo-0123/out.key"),
            "denied");
  for (const char* path :
       {"/dev/null", "/dev/tty", "/dev/fd/3", "/proc/self/fd/4",
        "/proc/4242/fd/5"})
    EXPECT_EQ(Origin(*policy, Access::kWrite, path), "baseline: write")
        << path;
  EXPECT_EQ(Origin(*policy, Access::kRead, "/lib/x86_64-linux-gnu/x/y"),
            "denied");
  EXPECT_EQ(Origin(*policy, Access::kRead, "/proc/4242x/status"), "denied");
  EXPECT_EQ(Origin(*policy, Access::kWrite, "/dev/urandom"), "denied");
}

TEST(BaselineTest, PassesCargoVariablesOnly) {
  auto policy = MustCompile(Policy{});
  for (const char* name : {"OUT_DIR", "CARGO_MANIFEST_DIR", "CARGO_FEATURE_STD",
                           "CARGO_CFG_TARGET_OS", "TARGET", "PATH", "DEP_Z_INCLUDE"})
    EXPECT_TRUE(policy->AllowsEnv(name)) << name;
  for (const char* name : {"AWS_SECRET_ACCESS_KEY", "CARGO_REGISTRY_TOKEN",
                           "GITHUB_TOKEN", "SSH_AUTH_SOCK", "CC"})
    EXPECT_FALSE(policy->AllowsEnv(name)) << name;
}

// ---- Grants from entries, defaults and profiles ----

TEST(GrantTest, OriginsNameEntryDefaultsProfileAndBaseline) {
  auto policy = CompileText(R"(version: 1
defaults:
  write: ["{target_dir}/shared/**"]
packages:
  ring:
    profiles: [c-toolchain]
    read: ["{manifest_dir}/**"]
    env: ["OPENSSL_*"]
)");
  const PathVars vars = Vars();
  EXPECT_EQ(Origin(*policy, Access::kRead, vars.manifest_dir + "/build.rs"),
            "ring: read");
  EXPECT_EQ(policy->Allows(Access::kRead, vars.manifest_dir)->rule,
            "{manifest_dir}/**");
  EXPECT_EQ(Origin(*policy, Access::kWrite, "/work/target/shared/x"),
            "defaults: write");
  EXPECT_EQ(Origin(*policy, Access::kExec, "/usr/bin/x86_64-linux-gnu-gcc-12",
                   "/usr/bin/cc"),
            "profile c-toolchain: exec");
  EXPECT_EQ(Origin(*policy, Access::kRead, "/usr/include/stdio.h"),
            "profile c-toolchain: read");
  EXPECT_EQ(Origin(*policy, Access::kWrite, "/tmp/ccX1.s"),
            "profile c-toolchain: write");
  EXPECT_EQ(Origin(*policy, Access::kRead, "/etc/ld.so.cache"),
            "baseline: read");
  EXPECT_TRUE(policy->AllowsEnv("OPENSSL_DIR"));
  EXPECT_TRUE(policy->AllowsEnv("CFLAGS"));
  EXPECT_TRUE(policy->AllowsEnv("CC_x86_64_unknown_linux_gnu"));
  EXPECT_FALSE(policy->AllowsEnv("OPENSSL"));
}

TEST(GrantTest, DefaultsApplyToUnmentionedPackages) {
  auto policy = CompileText(R"(version: 1
defaults:
  profiles: [pkg-config]
  read: ["/etc/ssl/certs/**"]
packages:
  other:
    read: ["/x"]
)");
  EXPECT_FALSE(policy->Mentioned());
  EXPECT_EQ(Origin(*policy, Access::kRead, "/etc/ssl/certs/ca.pem"),
            "defaults: read");
  EXPECT_EQ(Origin(*policy, Access::kRead, "/x"), "denied");
  EXPECT_EQ(Origin(*policy, Access::kExec, "/usr/bin/pkgconf",
                   "/usr/bin/pkg-config"),
            "profile pkg-config: exec");
  EXPECT_TRUE(policy->AllowsEnv("OPENSSL_NO_PKG_CONFIG"));
  EXPECT_TRUE(policy->AllowsEnv("PKG_CONFIG_PATH"));
}

TEST(GrantTest, ShellAndRustcProfiles) {
  auto policy = CompileText(
      "version: 1\npackages:\n  ring:\n    profiles: [shell, rustc]\n");
  const PathVars vars = Vars();
  EXPECT_EQ(Origin(*policy, Access::kExec, "/usr/bin/dash", "/bin/sh"),
            "profile shell: exec");
  EXPECT_EQ(Origin(*policy, Access::kExec, "/usr/bin/uname", "/usr/bin/uname"),
            "profile shell: exec");
  EXPECT_EQ(Origin(*policy, Access::kExec, vars.sysroot + "/bin/rustc"),
            "profile rustc: exec");
  EXPECT_EQ(Origin(*policy, Access::kExec, "/home/u/.cargo/bin/rustc",
                   "/home/u/.cargo/bin/rustc"),
            "profile rustc: exec");
  EXPECT_EQ(Origin(*policy, Access::kExec, "/usr/bin/curl", "/usr/bin/curl"),
            "denied");
}

TEST(ProfilesTest, KnownNamesAndValidRules) {
  std::vector<std::string> names = KnownProfileNames();
  EXPECT_EQ(names, (std::vector<std::string>{"bindgen", "c-toolchain",
                                              "pkg-config", "rustc", "shell"}));
  EXPECT_EQ(FindProfile("baseline"), nullptr);
  std::vector<const PackageEntry*> profiles = {&BaselineProfile()};
  for (const std::string& name : names) profiles.push_back(FindProfile(name));
  using policy_internal::RuleKind;
  for (const PackageEntry* profile : profiles) {
    ASSERT_NE(profile, nullptr);
    const std::pair<RuleKind, const std::vector<Rule>*> lists[] = {
        {RuleKind::kRead, &profile->read},
        {RuleKind::kWrite, &profile->write},
        {RuleKind::kExec, &profile->exec}};
    for (const auto& [kind, rules] : lists)
      for (const Rule& rule : *rules)
        EXPECT_TRUE(policy_internal::ValidateRule(kind, rule.value).ok())
            << profile->name << ": " << rule.value;
  }
}

// ---- Exec ----

TEST(ExecTest, ByNameNeedsAPathDirectory) {
  auto policy = CompileText(
      "version: 1\npackages:\n  ring:\n    exec: [cc, \"/opt/tool/bin/*\"]\n");
  // Found through $PATH; the symlink target's name does not matter.
  EXPECT_EQ(Origin(*policy, Access::kExec, "/usr/bin/x86_64-linux-gnu-gcc-12",
                   "/usr/bin/cc"),
            "ring: exec");
  // Trailing '/' in $PATH entries is normalised.
  EXPECT_EQ(Origin(*policy, Access::kExec, "/usr/bin/cc"), "ring: exec");
  EXPECT_EQ(Origin(*policy, Access::kExec, "/usr/local/bin/cc", ""),
            "ring: exec");
  // Not a $PATH directory.
  EXPECT_EQ(Origin(*policy, Access::kExec, "/opt/evil/cc", "/opt/evil/cc"),
            "denied");
  EXPECT_EQ(Origin(*policy, Access::kExec, "/home/u/cc", "./cc"), "denied");
  // The requested name may be a symlink in $PATH to a tool elsewhere.
  EXPECT_EQ(Origin(*policy, Access::kExec, "/opt/evil/cc", "/usr/bin/cc"),
            "ring: exec");
  EXPECT_EQ(Origin(*policy, Access::kExec, "/usr/bin/ccache", "/usr/bin/ccache"),
            "denied");
  // Path globs match the target or the requested path.
  EXPECT_EQ(Origin(*policy, Access::kExec, "/opt/tool/bin/gen"), "ring: exec");
  EXPECT_EQ(Origin(*policy, Access::kExec, "/opt/tool/libexec/gen-real",
                   "/opt/tool/bin/gen"),
            "ring: exec");
  EXPECT_EQ(Origin(*policy, Access::kExec, "/opt/tool/bin/sub/gen"), "denied");
}

// ---- Network ----

TEST(NetworkTest, MatchesCidrPortsAndUnixPaths) {
  auto policy = CompileText(R"(version: 1
packages:
  ring:
    connect:
      - "tcp:10.0.0.0/8:1000-2000"
      - "tcp:[::1]:8080"
      - "udp:*:53"
      - "tcp:[fd00::]/8:*"
      - "unix:{tmp}/sock-*"
    bind: ["tcp:127.0.0.1:0"]
)");
  struct {
    Access access;
    const char* target;
    bool allowed;
  } cases[] = {
      {Access::kConnect, "tcp:10.1.2.3:1500", true},
      {Access::kConnect, "tcp:10.1.2.3:1000", true},
      {Access::kConnect, "tcp:10.1.2.3:2000", true},
      {Access::kConnect, "tcp:10.1.2.3:2001", false},
      {Access::kConnect, "tcp:11.1.2.3:1500", false},
      {Access::kConnect, "udp:10.1.2.3:1500", false},
      {Access::kConnect, "tcp:[::1]:8080", true},
      {Access::kConnect, "tcp:[::1]:8081", false},
      {Access::kConnect, "tcp:[::2]:8080", false},
      {Access::kConnect, "udp:8.8.8.8:53", true},
      {Access::kConnect, "udp:[2001:db8::1]:53", true},  // "*": any family
      {Access::kConnect, "tcp:[2001:db8::1]:53", false},
      {Access::kConnect, "tcp:[fd12:3456::1]:443", true},
      {Access::kConnect, "tcp:[fe80::1]:443", false},
      {Access::kConnect, "tcp:[::ffff:10.0.0.1]:1500", true},
      {Access::kConnect, "unix:/tmp/sock-1", true},
      {Access::kConnect, "unix:/tmp/other", false},
      {Access::kConnect, "unix:@abstract", false},
      {Access::kConnect, "garbage", false},
      {Access::kBind, "tcp:127.0.0.1:0", true},
      {Access::kBind, "tcp:127.0.0.1:80", false},
      {Access::kBind, "tcp:10.1.2.3:1500", false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(policy->Allows(c.access, c.target) != nullptr, c.allowed)
        << AccessName(c.access) << " " << c.target;
  EXPECT_EQ(policy->Allows(Access::kConnect, "udp:1.1.1.1:53")->rule,
            "udp:*:53");
}

TEST(NetworkTest, PrefixBoundaries) {
  auto policy = CompileText(
      "version: 1\npackages:\n  ring:\n"
      "    connect: [\"tcp:192.168.4.0/22:*\", \"tcp:0.0.0.0/0:7\"]\n");
  EXPECT_NE(policy->Allows(Access::kConnect, "tcp:192.168.7.255:1"), nullptr);
  EXPECT_EQ(policy->Allows(Access::kConnect, "tcp:192.168.8.0:1"), nullptr);
  EXPECT_EQ(policy->Allows(Access::kConnect, "tcp:192.168.3.255:1"), nullptr);
  EXPECT_NE(policy->Allows(Access::kConnect, "tcp:1.2.3.4:7"), nullptr);
}

// ---- Roots ----

TEST(RootsTest, LiteralPrefixesWithoutNesting) {
  auto policy = CompileText(R"(version: 1
packages:
  ring:
    read: ["/usr/include/**", "/usr/include/openssl/*.h", "/opt/x/y.conf"]
    write: ["{tmp}/cc*", "{home}/.cache/ring/**"]
    exec: [cc, "/usr/lib/gcc/x86_64-linux-gnu/*/**", "/opt/bin/tool"]
    connect: ["unix:/run/foo/*.sock", "tcp:127.0.0.1:1"]
)");
  const PathVars vars = Vars();
  std::vector<std::string> read = policy->Roots(Access::kRead);
  EXPECT_TRUE(Contains(read, "/usr/include"));
  EXPECT_FALSE(Contains(read, "/usr/include/openssl"));
  EXPECT_TRUE(Contains(read, "/opt/x/y.conf"));
  EXPECT_TRUE(Contains(read, "/tmp"));  // write implies read
  EXPECT_TRUE(Contains(read, "/proc"));
  EXPECT_TRUE(Contains(read, "/work/target"));
  EXPECT_FALSE(Contains(read, vars.out_dir));  // inside {target_dir}
  EXPECT_TRUE(Contains(read, vars.manifest_dir));
  EXPECT_TRUE(std::is_sorted(read.begin(), read.end()));

  std::vector<std::string> write = policy->Roots(Access::kWrite);
  EXPECT_TRUE(Contains(write, "/tmp"));
  EXPECT_TRUE(Contains(write, "/home/u/.cache/ring"));
  EXPECT_TRUE(Contains(write, vars.out_dir));
  EXPECT_TRUE(Contains(write, "/dev/null"));
  EXPECT_FALSE(Contains(write, "/usr/include"));

  EXPECT_EQ(policy->Roots(Access::kExec),
            (std::vector<std::string>{"/bin", "/opt/bin/tool", "/usr/bin",
                                      "/usr/lib/gcc/x86_64-linux-gnu",
                                      "/usr/local/bin"}));
  EXPECT_EQ(policy->Roots(Access::kConnect),
            std::vector<std::string>{"/run/foo"});
  EXPECT_TRUE(policy->Roots(Access::kBind).empty());
}

TEST(RootsTest, BaselineHasNoExecRoots) {
  auto policy = MustCompile(Policy{});
  EXPECT_TRUE(policy->Roots(Access::kExec).empty());
  EXPECT_FALSE(Contains(policy->Roots(Access::kRead), "/"));
  EXPECT_FALSE(Contains(policy->Roots(Access::kRead), "/home/u"));
}

// ---- SuggestRule ----

struct SuggestCase {
  Op op;
  const char* target;
  const char* rule;
};

class SuggestRuleTest : public testing::TestWithParam<SuggestCase> {};

TEST_P(SuggestRuleTest, PutsVariablesBack) {
  const SuggestCase& c = GetParam();
  Event event;
  event.op = c.op;
  event.target = c.target;
  EXPECT_EQ(SuggestRule(event, Vars()), c.rule);
}

INSTANTIATE_TEST_SUITE_P(
    Table, SuggestRuleTest,
    testing::Values(
        SuggestCase{Op::kRead, "/home/u/.ssh/id_rsa",
                    "read: \"{home}/.ssh/id_rsa\""},
        SuggestCase{Op::kRead, "/home/user2/x", "read: \"/home/user2/x\""},
        SuggestCase{Op::kRead, "/home/u", "read: \"{home}\""},
        SuggestCase{Op::kCreate, "/work/target/debug/build/ring-abc/out/x.rs",
                    "write: \"{out_dir}/x.rs\""},
        SuggestCase{Op::kUnlink, "/work/target/debug/deps/x",
                    "write: \"{target_dir}/debug/deps/x\""},
        SuggestCase{Op::kRead, "/work/src/lib.rs",
                    "read: \"{workspace_root}/src/lib.rs\""},
        SuggestCase{Op::kRead,
                    "/home/u/.cargo/registry/src/index/ring-0.16.20/build.rs",
                    "read: \"{manifest_dir}/build.rs\""},
        SuggestCase{Op::kRead, "/home/u/.cargo/config.toml",
                    "read: \"{cargo_home}/config.toml\""},
        SuggestCase{Op::kRead,
                    "/home/u/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/"
                    "lib/x.so",
                    "read: \"{sysroot}/lib/x.so\""},
        SuggestCase{Op::kRead, "/home/u/.rustup/settings.toml",
                    "read: \"{rustup_home}/settings.toml\""},
        SuggestCase{Op::kCreate, "/tmp/cc1234.s", "write: \"{tmp}/cc1234.s\""},
        SuggestCase{Op::kRead, "/proc/777/maps", "read: \"/proc/self/maps\""},
        SuggestCase{Op::kExec, "/bin/sh", "exec: \"/bin/sh\""},
        SuggestCase{Op::kConnect, "tcp:127.0.0.1:4321",
                    "connect: \"tcp:127.0.0.1:4321\""},
        SuggestCase{Op::kBind, "unix:/tmp/x.sock", "bind: \"unix:{tmp}/x.sock\""},
        SuggestCase{Op::kSyscall, "ptrace", ""}));

}  // namespace
}  // namespace warden
