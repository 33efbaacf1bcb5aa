// Tests for writing warden.yaml (policy/yaml.h).
#include "policy/yaml.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/policy_yaml_test_util.h"

namespace warden {
namespace {

using yamltest::ExpectSamePolicy;
using yamltest::MustLoad;
using yamltest::kFullExample;

TEST(SavePolicyTest, RoundTripsTheFullExample) {
  Policy policy = MustLoad(kFullExample);
  std::string saved = SavePolicy(policy);
  Policy reloaded = MustLoad(saved);
  EXPECT_EQ(SavePolicy(reloaded), saved);
  // Save sorts entries and rules; compare against a canonical copy.
  Policy canonical = MustLoad(saved);
  ExpectSamePolicy(reloaded, canonical);
  ASSERT_EQ(reloaded.packages.size(), 3u);
  EXPECT_EQ(reloaded.packages[0].name, "openssl-sys");
  EXPECT_EQ(reloaded.packages[0].version_req, "0.9");
  EXPECT_EQ(reloaded.packages[1].version_req, "^0.10");
  EXPECT_EQ(reloaded.packages[1].source, "git");
  const PackageEntry& ring = reloaded.packages[2];
  EXPECT_EQ(ring.version_req, "^0.16");
  EXPECT_EQ(ring.reason, "bundled BoringSSL");
  ASSERT_EQ(ring.read.size(), 2u);
  EXPECT_EQ(ring.read[0].value, "/usr/include/**");
  EXPECT_EQ(ring.read[0].reason, "system headers");
  EXPECT_EQ(ring.read[0].comment, "12 accesses");
}

// Canonical policies (rules sorted and unique) come back equal.
TEST(SavePolicyTest, LoadOfSaveIsIdentity) {
  Policy policy;
  policy.defaults.read = {{"/etc/ssl/certs/**", "", "", {}}};
  policy.defaults.comment = "site-wide";
  PackageEntry tricky;
  tricky.name = "tricky";
  tricky.version_req = ">=1, <2";
  tricky.source = "path";
  tricky.reason = "quotes \" and \\ and: colons # hashes";
  tricky.comment = "3 accesses";
  tricky.profiles = {"c-toolchain", "shell"};
  tricky.read = {{"*glob-like-but-fine", "", "", {}},
                 {"/a b/c", "", "line\nbreak", {}},
                 {"/yes", "", "", {}},
                 {"{manifest_dir}/**", "why: because", "", {}}};
  tricky.exec = {{"cc", "", "", {}}, {"true", "", "", {}}};
  tricky.env = {{"NO", "", "", {}}};
  tricky.bind = {{"tcp:[::1]:8080", "", "1 access", {}}};
  PackageEntry empty;
  empty.name = "aaa";
  policy.packages = {empty, tricky};
  // "*glob-like-but-fine" is not a valid rule: bypass validation by checking
  // the text, then drop it before loading.
  EXPECT_NE(SavePolicy(policy).find("- \"*glob-like-but-fine\"\n"),
            std::string::npos);
  policy.packages[1].read.erase(policy.packages[1].read.begin());

  std::string saved = SavePolicy(policy);
  Policy reloaded = MustLoad(saved);
  // A rule without a reason keeps its generated comment as a YAML comment on
  // its line, which loading drops.
  Policy expected = policy;
  for (std::vector<Rule>* rules :
       {&expected.packages[1].read, &expected.packages[1].bind})
    for (Rule& rule : *rules)
      if (rule.reason.empty()) rule.comment.clear();
  ExpectSamePolicy(reloaded, expected);
  EXPECT_EQ(SavePolicy(reloaded), SavePolicy(expected));
  EXPECT_NE(saved.find("      - \"tcp:[::1]:8080\"  # 1 access\n"),
            std::string::npos)
      << saved;
  EXPECT_NE(saved.find("  # line break\n"), std::string::npos) << saved;
}

TEST(SavePolicyTest, WritesFixedLayout) {
  Policy policy;
  PackageEntry ring;
  ring.name = "ring";
  ring.version_req = "^0.16";
  ring.profiles = {"c-toolchain"};
  ring.write = {{"{out_dir}/**", "", "", {}}};
  ring.read = {{"/usr/include/**", "system headers", "", {}},
               {"{manifest_dir}/**", "", "", {}},
               {"/usr/include/**", "", "12 accesses", {}}};
  ring.exec = {{"cc", "", "", {}}};
  ring.connect = {{"tcp:127.0.0.1:8080", "", "", {}}};
  ring.reason = "bundled BoringSSL";
  PackageEntry old_ring = ring;
  old_ring.version_req = "0.13";
  old_ring.read.clear();
  old_ring.write.clear();
  old_ring.profiles.clear();
  old_ring.reason.clear();
  policy.packages = {ring, old_ring};

  EXPECT_EQ(SavePolicy(policy),
            R"(# warden policy: what each package's build script may do. See README.md.
version: 1
packages:
  ring@0.13:
    exec:
      - cc
    connect:
      - "tcp:127.0.0.1:8080"
  "ring@^0.16":
    reason: "bundled BoringSSL"
    profiles:
      - c-toolchain
    read:
      - path: /usr/include/**
        reason: "system headers"
        comment: "12 accesses"
      - "{manifest_dir}/**"
    write:
      - "{out_dir}/**"
    exec:
      - cc
    connect:
      - "tcp:127.0.0.1:8080"
)");
}

TEST(SavePolicyTest, EmptyPolicyIsHeaderAndVersion) {
  EXPECT_EQ(SavePolicy(Policy{}),
            "# warden policy: what each package's build script may do. See "
            "README.md.\nversion: 1\n");
}

TEST(SavePolicyTest, IsByteStable) {
  Policy policy = MustLoad(kFullExample);
  EXPECT_EQ(SavePolicy(policy), SavePolicy(policy));
  EXPECT_EQ(SavePolicy(MustLoad(SavePolicy(policy))), SavePolicy(policy));
}

}  // namespace
}  // namespace warden
