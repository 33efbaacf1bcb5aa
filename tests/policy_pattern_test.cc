// Tests for the shared path helpers (policy/path.h), the spelling of paths as
// patterns (policy/pattern.h) and the knowledge tables of policy/: profile
// triggers and rule kinds.
#include "policy/pattern.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "policy/path.h"
#include "policy/profiles.h"
#include "policy/rule_kinds.h"
#include "policy/syntax.h"
#include "policy/yaml.h"

namespace warden {
namespace {

using policy_internal::ExpandPath;
using policy_internal::RuleKind;
using policy_internal::ValidateRule;

PathVars Vars() {
  PathVars vars;
  vars.out_dir = "/work/target/debug/build/x-1/out";
  vars.manifest_dir = "/work/crates/x";
  vars.target_dir = "/work/target";
  vars.workspace_root = "/work";
  vars.home = "/home/u";
  vars.cargo_home = "/home/u/.cargo";
  vars.rustup_home = "/home/u/.rustup";
  vars.tmp = "/tmp/";
  vars.sysroot = "/home/u/.rustup/toolchains/stable";
  vars.path_dirs = {"/usr/bin/", "/bin"};
  return vars;
}

// ---- Path helpers ----

TEST(PathTest, DirnameAndBasename) {
  struct Case {
    const char* path;
    const char* dir;
    const char* base;
  };
  for (const Case& c : std::vector<Case>{{"/", "", ""},
                                         {"//", "", ""},
                                         {"", "", ""},
                                         {"/a", "/", "a"},
                                         {"//a", "/", "a"},
                                         {"/a/b", "/a", "b"},
                                         {"/a/b/", "/a", "b"},
                                         {"/a//b//", "/a", "b"},
                                         {"a", "", "a"},
                                         {"a/b", "a", "b"},
                                         {"{tmp}", "", "{tmp}"},
                                         {"{tmp}/cc*", "{tmp}", "cc*"}}) {
    EXPECT_EQ(Dirname(c.path), c.dir) << c.path;
    EXPECT_EQ(Basename(c.path), c.base) << c.path;
  }
}

TEST(PathTest, IsUnderComparesWholeComponents) {
  struct Case {
    const char* path;
    const char* dir;
    bool under;
  };
  for (const Case& c : std::vector<Case>{{"/a/b", "/a", true},
                                         {"/a/b", "/a/", true},
                                         {"/a", "/a/", true},
                                         {"/a/b/", "/a/b", true},
                                         {"/a/bc", "/a/b", false},
                                         {"/x", "/", true},
                                         {"/", "//", true},
                                         {"x", "/", false},
                                         {"/x", "", false},
                                         {"{tmp}/x", "{tmp}", true},
                                         {"{tmpx}", "{tmp}", false},
                                         {"a/b", "a", true}})
    EXPECT_EQ(IsUnder(c.path, c.dir), c.under) << c.path << " in " << c.dir;
}

TEST(PathTest, SplitAndNormalize) {
  using Parts = std::vector<std::string_view>;
  EXPECT_EQ(SplitPath("/"), Parts{});
  EXPECT_EQ(SplitPath("//"), Parts{});
  EXPECT_EQ(SplitPath("/a//b/"), (Parts{"a", "b"}));
  EXPECT_EQ(SplitPath("a/b"), (Parts{"a", "b"}));
  EXPECT_EQ(SplitPath("{tmp}/cc*"), (Parts{"{tmp}", "cc*"}));
  EXPECT_EQ(NormalizePath("//"), "/");
  EXPECT_EQ(NormalizePath("/a//b/"), "/a/b");
  EXPECT_EQ(NormalizePath("a/"), "a");
}

// ---- PathToPattern round trip ----

// ExpectRoundTrip checks the property of pattern.h for one absolute path: the
// pattern loads, expands to a glob matching the path, and matches no sibling
// that differs in a character the pattern kept literally.
void ExpectRoundTrip(const std::string& path, const PathVars& vars,
                     RuleKind kind);

void ExpectRoundTrip(const std::string& path, const PathVars& vars) {
  SCOPED_TRACE(testing::Message() << "path " << testing::PrintToString(path));
  for (RuleKind kind : {RuleKind::kRead, RuleKind::kWrite, RuleKind::kExec})
    ExpectRoundTrip(path, vars, kind);
}

void ExpectRoundTrip(const std::string& path, const PathVars& vars,
                     RuleKind kind) {
  std::optional<std::string> pattern = PathToPattern(
      path, vars, kind == RuleKind::kExec ? Access::kExec : Access::kRead);
  if (NormalizePath(path) == "/") {
    EXPECT_FALSE(pattern.has_value());
    return;
  }
  ASSERT_TRUE(pattern.has_value());
  EXPECT_TRUE(ValidateRule(kind, *pattern).ok())
      << *pattern << ": " << ValidateRule(kind, *pattern);
  std::optional<std::string> expanded = ExpandPath(*pattern, vars);
  ASSERT_TRUE(expanded.has_value()) << *pattern;
  EXPECT_TRUE(GlobMatch(*expanded, path)) << *pattern << " -> " << *expanded;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] < 'a' || path[i] > 'z') continue;
    std::string sibling = path;
    sibling[i] = path[i] == 'z' ? 'y' : static_cast<char>(path[i] + 1);
    EXPECT_FALSE(GlobMatch(*expanded, sibling))
        << *pattern << " also matches " << sibling;
  }
}

TEST(PathToPatternTest, AwkwardPathsRoundTrip) {
  const std::vector<std::string> paths = {
      "/tmp/a{b}.txt",   "/tmp/{out_dir}",   "/opt/a*b",        "/opt/**",
      "/opt/a?b",        "/opt/[abc]",       "/opt/back\\slash", "/opt/with space",
      "/opt/tab\there",  "/opt/line\nbreak", "/opt/\xff\xfe",    "/opt/\xc3(bad",
      "/opt/caf\xc3\xa9", "/opt/dir/",        "//opt//x//",      "/",
      "//",              "/work/target/debug/build/x-1/out/a{1}/b",
      "/home/u/.ssh/id_rsa", "/proc/1234/status", "/proc/self/maps",
      "/opt/./x",        "/opt/../x",        "/opt/...",        "/opt/\"q\"",
      "/opt/#not-a-comment", "/opt/: colon",  "/opt/\x7f\x01",   "/tmp",
  };
  for (const std::string& path : paths) ExpectRoundTrip(path, Vars());
}

TEST(PathToPatternTest, RandomPathsRoundTrip) {
  std::mt19937 rng(20261202);
  const std::string alphabet = "ab/{}*?[]\\ .\t\n\"'#:";
  for (int n = 0; n < 2000; ++n) {
    std::string path = n % 2 == 0 ? "/tmp/" : "/";
    const int length = static_cast<int>(rng() % 12);
    for (int i = 0; i < length; ++i) {
      const unsigned r = rng() % 4;
      path.push_back(r == 0   ? static_cast<char>(0x80 + rng() % 0x80)
                     : r == 1 ? static_cast<char>('a' + rng() % 26)
                              : alphabet[rng() % alphabet.size()]);
    }
    ExpectRoundTrip(path, Vars());
  }
}

TEST(PathToPatternTest, KeepsUtf8AndNamesVariables) {
  EXPECT_EQ(PathToPattern("/tmp/a{b}.txt", Vars()), "{tmp}/a?b?.txt");
  EXPECT_EQ(PathToPattern("/opt/caf\xc3\xa9/\xff", Vars()),
            "/opt/caf\xc3\xa9/?");
  EXPECT_EQ(PathToPattern("/work/target/debug/build/x-1/out", Vars()),
            "{out_dir}");
  EXPECT_EQ(PathToPattern("/proc/42/maps", Vars()), "/proc/self/maps");
  EXPECT_EQ(PathToPattern("relative/x", Vars()), std::nullopt);
}

TEST(PathToPatternTest, EqualValuesPreferTheTableOrder) {
  PathVars vars;
  vars.home = "/same";
  vars.tmp = "/same/";
  vars.sysroot = "/same";
  EXPECT_EQ(PathToPattern("/same/x", vars), "{sysroot}/x");
  vars.sysroot.clear();
  EXPECT_EQ(PathToPattern("/same/x", vars), "{tmp}/x");
}

TEST(ProgramToPatternTest, ByNameWhenOnPath) {
  EXPECT_EQ(ProgramToPattern("/usr/bin/cc", Vars()), "cc");
  EXPECT_EQ(ProgramToPattern("/usr/bin/my tool*", Vars()), "my?tool?");
  EXPECT_EQ(ProgramToPattern("/opt/x/{y}", Vars()), "/opt/x/?y?");
  EXPECT_TRUE(ValidateRule(RuleKind::kExec, *ProgramToPattern(
                                                "/usr/bin/a b\tc", Vars()))
                  .ok());
}

TEST(NetTargetToPatternTest, UnixPathsAsPatterns) {
  EXPECT_EQ(NetTargetToPattern("tcp:127.0.0.1:80", Vars()), "tcp:127.0.0.1:80");
  EXPECT_EQ(NetTargetToPattern("unix:/tmp/s{1}.sock", Vars()),
            "unix:{tmp}/s?1?.sock");
  EXPECT_EQ(NetTargetToPattern("unix:@abstract", Vars()), std::nullopt);
}

TEST(EnvNameToPatternTest, GrammarOfSyntax) {
  EXPECT_EQ(EnvNameToPattern("CC_x86_64-unknown-linux-gnu"),
            "CC_x86_64-unknown-linux-gnu");
  EXPECT_EQ(EnvNameToPattern("A$B"), "A*");
  EXPECT_EQ(EnvNameToPattern("9LIVES"), std::nullopt);
  for (const char* name : {"CC_x86_64-unknown-linux-gnu", "A$B", "_X.y"})
    EXPECT_TRUE(ValidateRule(RuleKind::kEnv, *EnvNameToPattern(name)).ok());
}

// ---- The denial hint loads back ----

// HintLoads puts SuggestRule's hint, as the report prints it, into a policy
// and checks that the loader takes it and that it allows the access.
void ExpectHintLoadsAndAllows(Op op, const std::string& target) {
  SCOPED_TRACE(testing::PrintToString(target));
  Event event;
  event.op = op;
  event.target = target;
  const std::string hint = SuggestRule(event, Vars());
  ASSERT_FALSE(hint.empty());
  const size_t colon = hint.find(": ");
  const std::string text = "version: 1\npackages:\n  x:\n    " +
                           hint.substr(0, colon) + ": [" +
                           hint.substr(colon + 2) + "]\n";
  absl::StatusOr<Policy> policy = LoadPolicyText(text, "warden.yaml");
  ASSERT_TRUE(policy.ok()) << text << policy.status();
  auto compiled = CompilePackagePolicy(*policy, {"x", "1.0.0", "path"}, Vars());
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_NE((*compiled)->Allows(AccessOf(op), target, target), nullptr) << hint;
}

TEST(SuggestRuleTest, HintsForAwkwardPathsLoadAndAllow) {
  for (const char* path : {"/tmp/a{b}.txt", "/opt/a*b", "/opt/\xff", "/opt/x y",
                           "/opt/q\"\\", "/opt/nl\nx"}) {
    ExpectHintLoadsAndAllows(Op::kRead, path);
    ExpectHintLoadsAndAllows(Op::kCreate, path);
    ExpectHintLoadsAndAllows(Op::kExec, path);
  }
  ExpectHintLoadsAndAllows(Op::kConnect, "unix:/tmp/s{1}.sock");
  Event event;
  event.op = Op::kRead;
  event.target = "/tmp/a{b}.txt";
  EXPECT_EQ(SuggestRule(event, Vars()), "read: " + QuotedScalar("{tmp}/a?b?.txt"));
  event.target = "/";
  EXPECT_EQ(SuggestRule(event, Vars()), "");
}

// ---- Knowledge tables ----

TEST(ProfilesTest, EveryTriggerIsGrantedByItsProfile) {
  PathVars vars = Vars();
  vars.path_dirs = {"/usr/bin"};
  for (const std::string& name : KnownProfileNames()) {
    Policy policy;
    PackageEntry entry;
    entry.name = "x";
    entry.profiles = {name};
    policy.packages.push_back(entry);
    auto compiled = CompilePackagePolicy(policy, {"x", "1.0.0", "path"}, vars);
    ASSERT_TRUE(compiled.ok()) << compiled.status();
    ASSERT_FALSE(ProfileTriggers(name).empty()) << name;
    for (const std::string& program : ProfileTriggers(name)) {
      EXPECT_EQ(ProfileForProgram("/usr/bin/" + program), name);
      // The driver's helpers live in gcc's directory, not on $PATH.
      const bool allowed =
          (*compiled)->Allows(Access::kExec, "/usr/bin/" + program) != nullptr ||
          (*compiled)->Allows(Access::kExec,
                              "/usr/lib/gcc/x86_64-linux-gnu/12/" + program) !=
              nullptr;
      EXPECT_TRUE(allowed) << "profile " << name << " does not run " << program;
    }
  }
  EXPECT_EQ(ProfileForProgram("/usr/bin/x86_64-linux-gnu-gcc-12"), "c-toolchain");
  EXPECT_EQ(ProfileForProgram("/usr/bin/curl"), std::nullopt);
  EXPECT_TRUE(ProfileTriggers("nope").empty());
}

TEST(RuleKindsTest, OneRowPerEntryListWithLoadableKeys) {
  PackageEntry entry;
  for (const RuleKindInfo& spec : kRuleKinds)
    (entry.*spec.rules).push_back(Rule{"x", "", "", {}});
  EXPECT_EQ(entry.read.size() + entry.write.size() + entry.exec.size() +
                entry.connect.size() + entry.bind.size() + entry.env.size() +
                entry.directives.size(),
            std::size(kRuleKinds));
  for (const RuleKindInfo& spec : kRuleKinds) {
    const std::string text = "version: 1\npackages:\n  x:\n    " +
                             std::string(spec.key) + ": []\n";
    EXPECT_TRUE(LoadPolicyText(text, "warden.yaml").ok()) << spec.key;
    const std::string compile =
        "version: 1\ncompile:\n  " + std::string(spec.key) + ": []\n";
    EXPECT_EQ(LoadPolicyText(compile, "warden.yaml").ok(),
              spec.access != Access::kNone)
        << spec.key;
  }
}

}  // namespace
}  // namespace warden
