#include "policy/directives.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "policy/matcher.h"
#include "policy/yaml.h"

namespace warden {
namespace {

PathVars Vars() {
  PathVars vars;
  vars.out_dir = "/work/app/target/debug/build/foo-1a2b/out";
  vars.manifest_dir = "/src/foo";
  vars.target_dir = "/work/app/target";
  vars.workspace_root = "/work/app";
  vars.home = "/home/dev";
  vars.tmp = "/tmp";
  return vars;
}

std::unique_ptr<PackagePolicy> Compile(const std::string& directives,
                                       const std::string& extra = "") {
  std::string text = "version: 1\npackages:\n  foo:\n";
  if (!directives.empty()) text += "    directives: " + directives + "\n";
  text += extra;
  absl::StatusOr<Policy> policy = LoadPolicyText(text, "warden.yaml");
  EXPECT_TRUE(policy.ok()) << policy.status();
  if (!policy.ok()) return nullptr;
  auto compiled =
      CompilePackagePolicy(*policy, {"foo", "1.0.0", "registry"}, Vars());
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  return compiled.ok() ? *std::move(compiled) : nullptr;
}

ParsedDirective Must(std::string_view line) {
  std::optional<ParsedDirective> d = ParseDirectiveLine(line);
  EXPECT_TRUE(d.has_value()) << line;
  return d.value_or(ParsedDirective{});
}

bool Allowed(const PackagePolicy& policy, std::string_view line) {
  return CheckDirective(policy, Must(line)).allowed;
}

// ---- Parsing as cargo does ----

TEST(ParseDirectiveLineTest, OldAndNewSyntax) {
  ParsedDirective d = Must("cargo:rustc-link-arg=-Wl,--as-needed");
  EXPECT_EQ(d.kind, DirectiveKind::kRustcLinkArg);
  EXPECT_FALSE(d.new_syntax);
  EXPECT_EQ(d.key, "rustc-link-arg");
  EXPECT_EQ(d.value, "-Wl,--as-needed");

  d = Must("cargo::rustc-link-arg=-Bfoo");
  EXPECT_TRUE(d.new_syntax);
  EXPECT_EQ(d.kind, DirectiveKind::kRustcLinkArg);
  EXPECT_EQ(d.value, "-Bfoo");

  d = Must("cargo::metadata=include=/x=y");
  EXPECT_EQ(d.kind, DirectiveKind::kMetadata);
  EXPECT_EQ(d.value, "include=/x=y");

  d = Must("cargo:include=/usr/include");
  EXPECT_EQ(d.kind, DirectiveKind::kMetadata);
  EXPECT_EQ(d.key, "metadata");
  EXPECT_EQ(d.value, "include=/usr/include");

  // Old syntax only knows the reserved keys: "error" is metadata there.
  EXPECT_EQ(Must("cargo:error=x").kind, DirectiveKind::kMetadata);
  EXPECT_EQ(Must("cargo::error=x").kind, DirectiveKind::kError);
  EXPECT_EQ(Must("cargo::frobnicate=x").kind, DirectiveKind::kUnknown);
  EXPECT_EQ(Must("cargo:rustc-link-arg-cdylib=-x").kind,
            DirectiveKind::kRustcCdylibLinkArg);
  EXPECT_EQ(Must("cargo:rustc-cdylib-link-arg=-x").kind,
            DirectiveKind::kRustcCdylibLinkArg);
  d = Must("cargo:rustc-link-arg-bin=app=-Tlink.x");
  EXPECT_EQ(d.kind, DirectiveKind::kRustcLinkArgBin);
  EXPECT_EQ(d.value, "app=-Tlink.x");
  EXPECT_EQ(Must("cargo:rustc-link-arg-bins=-x").kind,
            DirectiveKind::kRustcLinkArgBins);
}

TEST(ParseDirectiveLineTest, TrimsUnicodeWhiteSpaceLikeRust) {
  for (const char* line :
       {"  cargo:rustc-link-arg=-B.", "\tcargo:rustc-link-arg=-B.",
        "\xC2\xA0" "cargo:rustc-link-arg=-B.",            // U+00A0
        "\xE3\x80\x80" "cargo:rustc-link-arg=-B.",        // U+3000
        "\xE2\x80\xA8" "cargo:rustc-link-arg=-B.",        // U+2028
        "\xC2\x85\v\f" "cargo:rustc-link-arg=-B.",        // U+0085
        "cargo:rustc-link-arg=-B.\r", "cargo:rustc-link-arg=-B. \t\r",
        "cargo:rustc-link-arg=-B.\xE2\x80\x8A"}) {        // U+200A
    std::optional<ParsedDirective> d = ParseDirectiveLine(line);
    ASSERT_TRUE(d.has_value()) << line;
    EXPECT_EQ(d->kind, DirectiveKind::kRustcLinkArg) << line;
    EXPECT_EQ(d->value, "-B.") << line;
  }
  // Not White_Space in Rust: U+200B, U+001F.
  EXPECT_FALSE(ParseDirectiveLine("\xE2\x80\x8B" "cargo:rustc-link-arg=x"));
  EXPECT_FALSE(ParseDirectiveLine("\x1F" "cargo:rustc-link-arg=x"));
  // Leading whitespace of the value is kept, as cargo passes it on.
  EXPECT_EQ(Must("cargo::rustc-link-arg= -x").value, " -x");
}

TEST(ParseDirectiveLineTest, IgnoresWhatCargoIgnores) {
  EXPECT_FALSE(ParseDirectiveLine("hello"));
  EXPECT_FALSE(ParseDirectiveLine(""));
  EXPECT_FALSE(ParseDirectiveLine("Cargo:rustc-link-arg=x"));
  EXPECT_FALSE(ParseDirectiveLine("cargo rustc-link-arg=x"));
  // Invalid UTF-8 lines are skipped by cargo.
  EXPECT_FALSE(ParseDirectiveLine("cargo:rustc-link-arg=-B\xFF"));
  EXPECT_FALSE(ParseDirectiveLine("cargo:rustc-link-arg=\xC0\xAF"));  // overlong
  EXPECT_FALSE(ParseDirectiveLine("cargo:rustc-link-arg=\xED\xA0\x80"));  // surrogate
  // No '=': cargo fails the build and acts on nothing.
  EXPECT_FALSE(ParseDirectiveLine("cargo:rustc-link-arg"));
  EXPECT_FALSE(ParseDirectiveLine("cargo::rustc-link-arg"));
  EXPECT_FALSE(ParseDirectiveLine("cargo:foo"));
  // Empty key: old-syntax metadata; new syntax an unknown key.
  EXPECT_EQ(Must("cargo:=x").kind, DirectiveKind::kMetadata);
  EXPECT_EQ(Must("cargo::=x").kind, DirectiveKind::kUnknown);
  // A key with a trailing space is not the reserved key.
  EXPECT_EQ(Must("cargo:rustc-link-arg =x").kind, DirectiveKind::kMetadata);
}

// ---- Grants ----

TEST(CheckDirectiveTest, FreeKindsNeedNoGrant) {
  auto policy = Compile("");
  for (const char* line :
       {"cargo:warning=hi", "cargo::error=bad", "cargo:rerun-if-changed=x",
        "cargo:rerun-if-env-changed=X", "cargo::metadata=a=b", "cargo:a=b",
        "cargo::rustc-check-cfg=cfg(foo)"}) {
    EXPECT_TRUE(Allowed(*policy, line)) << line;
  }
  for (const char* line :
       {"cargo:rustc-cfg=foo", "cargo:rustc-link-lib=z",
        "cargo::frobnicate=x", "cargo:rustc-env=GIT_HASH=1"}) {
    DirectiveVerdict v = CheckDirective(*policy, Must(line));
    EXPECT_FALSE(v.allowed) << line;
  }
  EXPECT_EQ(CheckDirective(*policy, Must("cargo:rustc-cfg=foo")).rule,
            "rustc-cfg");
}

TEST(CheckDirectiveTest, EveryValueCheckedKindNeedsItsValue) {
  const char* kKeys[] = {"rustc-link-arg",       "rustc-link-arg-bins",
                         "rustc-link-arg-tests", "rustc-link-arg-examples",
                         "rustc-link-arg-benches", "rustc-cdylib-link-arg",
                         "rustc-link-arg-cdylib"};
  for (const char* key : kKeys) {
    std::string k = key;
    auto policy = Compile("[\"" + k + "=-Wl,--as-needed\"]");
    EXPECT_TRUE(Allowed(*policy, "cargo:" + k + "=-Wl,--as-needed")) << k;
    DirectiveVerdict v =
        CheckDirective(*policy, Must("cargo:" + k + "=-B/tmp/evil"));
    EXPECT_FALSE(v.allowed) << k;
    EXPECT_EQ(v.rule, k + "=-B/tmp/evil");
    // A key glob is not a grant of any value for these kinds.
    auto glob = Compile("[\"rustc-*\"]");
    EXPECT_FALSE(Allowed(*glob, "cargo:" + k + "=-Wl,--as-needed")) << k;
    // A bare key is: a human's explicit choice.
    auto bare = Compile("[\"" + k + "\"]");
    EXPECT_TRUE(Allowed(*bare, "cargo:" + k + "=-Wl,-plugin,/x.so")) << k;
  }
  // The two cdylib spellings are one key.
  auto policy = Compile("[\"rustc-cdylib-link-arg=-x\"]");
  EXPECT_TRUE(Allowed(*policy, "cargo:rustc-link-arg-cdylib=-x"));
  // rustc-link-arg-bin keeps BIN in the value.
  policy = Compile("[\"rustc-link-arg-bin=app=-Tlink.x\"]");
  EXPECT_TRUE(Allowed(*policy, "cargo:rustc-link-arg-bin=app=-Tlink.x"));
  EXPECT_FALSE(Allowed(*policy, "cargo:rustc-link-arg-bin=other=-Tlink.x"));
}

TEST(CheckDirectiveTest, PatternsAreGlobsOverTheWholeValue) {
  auto policy = Compile("[\"rustc-link-arg=-Wl,-rpath,/opt/*\", "
                        "\"rustc-link-arg=-l?\"]");
  EXPECT_TRUE(Allowed(*policy, "cargo:rustc-link-arg=-Wl,-rpath,/opt/a/b"));
  EXPECT_TRUE(Allowed(*policy, "cargo:rustc-link-arg=-lz"));
  EXPECT_FALSE(Allowed(*policy, "cargo:rustc-link-arg=-lzz"));
  EXPECT_FALSE(Allowed(*policy, "cargo:rustc-link-arg=-Wl,-rpath,/op"));
  EXPECT_TRUE(DirectivePatternMatch("a\\*b", "a*b"));
  EXPECT_FALSE(DirectivePatternMatch("a\\*b", "axb"));
  EXPECT_TRUE(DirectivePatternMatch("?", "\xC3\xA9"));  // one character
}

TEST(CheckDirectiveTest, RustcFlagsNeedsValueAndReadableSearchPaths) {
  auto policy = Compile("[\"rustc-flags=-l z -L /opt/z/lib\"]");
  DirectiveVerdict v =
      CheckDirective(*policy, Must("cargo:rustc-flags=-l z -L /opt/z/lib"));
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.search_paths, (std::vector<std::string>{"/opt/z/lib"}));
  EXPECT_EQ(v.also, (std::vector<std::string>{"rustc-link-search=/opt/z/lib"}));

  policy = Compile("[\"rustc-flags=-l z -L /opt/z/lib\"]",
                   "    read: [\"/opt/z/**\"]\n");
  EXPECT_TRUE(Allowed(*policy, "cargo:rustc-flags=-l z -L /opt/z/lib"));
  EXPECT_FALSE(Allowed(*policy, "cargo:rustc-flags=-l z -L/home/dev/.ssh"));
  policy = Compile("[\"rustc-flags=*\"]");
  EXPECT_TRUE(Allowed(*policy, "cargo:rustc-flags=-lz -L/usr/lib"));
  EXPECT_FALSE(Allowed(*policy, "cargo:rustc-flags=-lz -L/home/dev"));
  EXPECT_FALSE(Allowed(*policy, "cargo:rustc-flags=-lz -Lnative=../x"));
}

TEST(CheckDirectiveTest, LinkSearchMustBeReadable) {
  auto policy = Compile("[\"rustc-link-search\"]", "    read: [\"/opt/z/**\"]\n");
  EXPECT_TRUE(Allowed(*policy, "cargo:rustc-link-search=native=/opt/z/lib"));
  EXPECT_TRUE(Allowed(*policy, "cargo:rustc-link-search=/opt/z"));
  // OUT_DIR is readable by the baseline; /usr/lib is searched anyway.
  EXPECT_TRUE(Allowed(
      *policy, "cargo:rustc-link-search=native=/work/app/target/debug/build/"
               "foo-1a2b/out/lib"));
  EXPECT_TRUE(Allowed(*policy, "cargo:rustc-link-search=native=/usr/lib"));
  DirectiveVerdict v = CheckDirective(
      *policy, Must("cargo:rustc-link-search=native=/home/dev/.ssh"));
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.rule, "rustc-link-search=/home/dev/.ssh");
  EXPECT_EQ(v.search_paths, (std::vector<std::string>{"/home/dev/.ssh"}));
  EXPECT_FALSE(Allowed(*policy, "cargo:rustc-link-search=native=lib"));
  EXPECT_FALSE(
      Allowed(*policy, "cargo:rustc-link-search=/opt/z/../../home/dev"));
  // Without the name grant a readable path is not enough.
  auto unnamed = Compile("", "    read: [\"/opt/z/**\"]\n");
  v = CheckDirective(*unnamed, Must("cargo:rustc-link-search=/opt/z"));
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.rule, "rustc-link-search");
  // A path pattern grants key and path, with variables.
  auto pattern = Compile("[\"rustc-link-search={target_dir}\"]");
  EXPECT_TRUE(Allowed(*pattern, "cargo:rustc-link-search=native=/work/app/target"));
  EXPECT_FALSE(Allowed(*pattern, "cargo:rustc-link-search=/work/app"));
}

TEST(CheckDirectiveTest, DangerousEnvNamesNeedTheirExactName) {
  auto policy = Compile("[\"rustc-env\"]");
  EXPECT_TRUE(Allowed(*policy, "cargo:rustc-env=GIT_HASH=abc"));
  for (const char* name :
       {"LD_PRELOAD", "LD_LIBRARY_PATH", "GCONV_PATH", "GLIBC_TUNABLES",
        "MALLOC_CONF", "LOCPATH", "PATH", "IFS", "ENV", "BASH_ENV",
        "PYTHONPATH", "PERL5OPT", "NODE_OPTIONS", "CC", "CXX", "CPP", "AR",
        "AS", "LD", "CFLAGS", "LDFLAGS", "COMPILER_PATH", "GCC_EXEC_PREFIX",
        "LIBRARY_PATH", "CPATH", "C_INCLUDE_PATH", "TMPDIR", "RUSTC_WRAPPER",
        "RUSTFLAGS", "RUSTDOCFLAGS", "CARGO_HOME", "MAKEFLAGS", "MFLAGS",
        "RUSTUP_TOOLCHAIN", "HOME", "ld_preload"}) {
    std::string n = name;
    DirectiveVerdict v =
        CheckDirective(*policy, Must("cargo:rustc-env=" + n + "=x"));
    EXPECT_FALSE(v.allowed) << n;
    EXPECT_EQ(v.rule, "rustc-env=" + n);
    EXPECT_FALSE(DangerousEnvReason(n).empty()) << n;
  }
  EXPECT_TRUE(DangerousEnvReason("GIT_HASH").empty());
  auto exact = Compile("[\"rustc-env=LD_LIBRARY_PATH\"]");
  EXPECT_TRUE(Allowed(*exact, "cargo:rustc-env=LD_LIBRARY_PATH=/x"));
  EXPECT_FALSE(Allowed(*exact, "cargo:rustc-env=LD_PRELOAD=/x.so"));
  EXPECT_FALSE(Allowed(*exact, "cargo:rustc-env=GIT_HASH=abc"));
  // A glob does not grant a dangerous name.
  auto glob = Compile("[\"rustc-env=LD_*\"]");
  EXPECT_FALSE(Allowed(*glob, "cargo:rustc-env=LD_PRELOAD=/x.so"));
  auto names = Compile("[\"rustc-env=VERGEN_*\"]");
  EXPECT_TRUE(Allowed(*names, "cargo:rustc-env=VERGEN_SHA=1"));
  EXPECT_FALSE(Allowed(*names, "cargo:rustc-env=OTHER=1"));
}

TEST(CheckDirectiveTest, WardenVariablesAreAlwaysDropped) {
  auto policy = Compile("[\"rustc-env\", \"rustc-*\", \"rustc-env=*\"]");
  for (const char* line :
       {"cargo:rustc-env=WARDEN_MODE=learn", "cargo::rustc-env=WARDEN_X=1",
        "  cargo:rustc-env=warden_db=/tmp/x"}) {
    ParsedDirective d = Must(line);
    EXPECT_TRUE(AlwaysDropped(d)) << line;
    DirectiveVerdict v = CheckDirective(*policy, d);
    EXPECT_FALSE(v.allowed) << line;
    EXPECT_TRUE(v.rule.empty()) << line;
    EXPECT_FALSE(DecideLine(*policy, line, /*enforce=*/false).forward);
    EXPECT_FALSE(DecideLine(*policy, line, /*enforce=*/true).forward);
  }
  EXPECT_FALSE(AlwaysDropped(Must("cargo:rustc-env=GIT_HASH=1")));
  EXPECT_FALSE(AlwaysDropped(Must("cargo:WARDEN_X=1")));  // metadata
  for (const char* entry : {"rustc-env=WARDEN_MODE", "rustc-env=WARDEN_*",
                            "rustc-env=warden_x", "rustc-env=WAR*"}) {
    absl::StatusOr<Policy> loaded = LoadPolicyText(
        std::string("version: 1\npackages:\n  foo:\n    directives: [\"") +
            entry + "\"]\n",
        "warden.yaml");
    ASSERT_FALSE(loaded.ok()) << entry;
    std::string message(loaded.status().message());
    EXPECT_NE(message.find("warden.yaml:4:18"), std::string::npos) << message;
    EXPECT_NE(message.find("hint:"), std::string::npos) << message;
  }
}

TEST(CheckDirectiveTest, LoaderRefusesBadPatterns) {
  for (const char* entry :
       {"rustc-link-*=x", "rustc-link-arg=x\\\\\\", "rustc-env=A B",
        "rustc-link-search=lib", "rustc-link-search={nope}/x"}) {
    absl::StatusOr<Policy> loaded = LoadPolicyText(
        std::string("version: 1\npackages:\n  foo:\n    directives: ['") +
            entry + "']\n",
        "warden.yaml");
    EXPECT_FALSE(loaded.ok()) << entry;
  }
}

TEST(DecideLineTest, EnforceDropsDeniedLearnForwards) {
  auto policy = Compile("[\"rustc-link-lib\"]");
  EXPECT_TRUE(DecideLine(*policy, "cargo:rustc-link-lib=z", true).forward);
  EXPECT_FALSE(DecideLine(*policy, " cargo:rustc-link-arg=-B.", true).forward);
  EXPECT_TRUE(DecideLine(*policy, " cargo:rustc-link-arg=-B.", false).forward);
  EXPECT_TRUE(DecideLine(*policy, "compiling foo", true).forward);
  EXPECT_TRUE(DecideLine(*policy, "cargo:warning=x", true).forward);
  EXPECT_FALSE(
      DecideLine(*policy, "cargo:rustc-link-arg=-B\xFF", true).forward);
}

TEST(AllowsDirectiveTest, AgreesWithCheckDirectiveOnNames) {
  auto policy = Compile("[\"rustc-link-lib\", \"rustc-link-arg=-x\"]");
  EXPECT_TRUE(policy->AllowsDirective("rerun-if-changed"));
  EXPECT_TRUE(policy->AllowsDirective("rustc-check-cfg"));
  EXPECT_TRUE(policy->AllowsDirective("links"));  // old-syntax metadata
  EXPECT_TRUE(policy->AllowsDirective("rustc-link-lib"));
  EXPECT_TRUE(policy->AllowsDirective("rustc-link-arg"));
  EXPECT_FALSE(policy->AllowsDirective("rustc-cfg"));
  EXPECT_FALSE(policy->AllowsDirective("rustc-frob"));
}

// ---- Suggestions load back and allow ----

TEST(CheckDirectiveTest, SuggestedRulesRoundTripThroughTheLoader) {
  for (const char* line :
       {"cargo:rustc-link-arg=-Wl,--as-needed",
        "cargo:rustc-link-arg=-Wl,--version-script=*?x\\y",
        "cargo::rustc-link-arg-bin=app=-Wl,-T,\"a b\"",
        "cargo:rustc-cdylib-link-arg=-Wl,-soname,libfoo.so",
        "cargo:rustc-flags=-l z -L /opt/z/lib", "cargo:rustc-cfg=ossl300",
        "cargo:rustc-env=LD_LIBRARY_PATH=/x", "cargo:rustc-env=GIT_HASH=1",
        "cargo:rustc-link-search=native=/opt/z/lib",
        "cargo:rustc-link-lib=static=z", "cargo::rustc-link-arg= -x\t"}) {
    ParsedDirective d = Must(line);
    auto empty = Compile("");
    DirectiveVerdict v = CheckDirective(*empty, d);
    ASSERT_FALSE(v.allowed) << line;
    ASSERT_FALSE(v.rule.empty()) << line;
    std::string list = "[";
    for (const std::string& rule : v.also) list += "'" + rule + "', ";
    // YAML double quotes: escape backslash and quote.
    std::string quoted;
    for (char c : v.rule) {
      if (c == '\\' || c == '"') quoted += '\\';
      quoted += c;
    }
    list += "\"" + quoted + "\"]";
    auto granted = Compile(list);
    ASSERT_NE(granted, nullptr) << list;
    EXPECT_TRUE(CheckDirective(*granted, d).allowed) << line << " " << list;
  }
}

}  // namespace
}  // namespace warden
