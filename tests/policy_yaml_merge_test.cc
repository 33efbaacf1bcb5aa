// Tests for merging warden.yaml (policy/yaml.h).
#include "policy/yaml.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/policy_yaml_test_util.h"

namespace warden {
namespace {

using yamltest::MustLoad;
using yamltest::Values;
using yamltest::kFullExample;

TEST(MergePoliciesTest, UnionsEntriesRulesAndProfiles) {
  Policy base = MustLoad(R"(version: 1
defaults:
  read: ["/etc/ssl/certs/**"]
packages:
  ring:
    profiles: [c-toolchain]
    read: ["/usr/include/**", "{manifest_dir}/**"]
    exec: [cc]
)");
  Policy extra = MustLoad(R"(version: 1
defaults:
  read: ["/etc/ssl/certs/**", "/etc/hosts"]
packages:
  ring:
    profiles: [shell, c-toolchain]
    read:
      - path: "/usr/include/**"
        reason: "headers"
        comment: "4 accesses"
      - "/usr/local/include/**"
  ring@0.13:
    exec: [cc]
  cc:
    source: registry
    env: [CC]
)");
  Policy merged = MergePolicies(base, extra);
  EXPECT_EQ(Values(merged.defaults.read),
            (std::vector<std::string>{"/etc/ssl/certs/**", "/etc/hosts"}));
  ASSERT_EQ(merged.packages.size(), 3u);
  const PackageEntry& ring = merged.packages[0];
  EXPECT_EQ(ring.profiles,
            (std::vector<std::string>{"c-toolchain", "shell"}));
  EXPECT_EQ(Values(ring.read),
            (std::vector<std::string>{"/usr/include/**", "{manifest_dir}/**",
                                      "/usr/local/include/**"}));
  EXPECT_EQ(ring.read[0].reason, "headers");
  EXPECT_EQ(ring.read[0].comment, "4 accesses");
  EXPECT_EQ(Values(ring.exec), std::vector<std::string>{"cc"});
  EXPECT_EQ(merged.packages[1].version_req, "0.13");
  EXPECT_EQ(merged.packages[2].name, "cc");
  EXPECT_EQ(merged.packages[2].source, "registry");
}

TEST(MergePoliciesTest, KeepsFirstReasonAndSeparatesSources) {
  Policy base = MustLoad(R"(version: 1
packages:
  ring:
    reason: "first"
    read:
      - path: /usr/include/**
        reason: "kept"
)");
  Policy extra = MustLoad(R"(version: 1
packages:
  ring:
    reason: "second"
    read:
      - path: /usr/include/**
        reason: "dropped"
        comment: "added"
  ring@*:
    source: git
)");
  Policy merged = MergePolicies(base, extra);
  ASSERT_EQ(merged.packages.size(), 2u);
  EXPECT_EQ(merged.packages[0].reason, "first");
  ASSERT_EQ(merged.packages[0].read.size(), 1u);
  EXPECT_EQ(merged.packages[0].read[0].reason, "kept");
  EXPECT_EQ(merged.packages[0].read[0].comment, "added");
  EXPECT_EQ(merged.packages[1].source, "git");
}

TEST(MergePoliciesTest, MergeWithItselfChangesNothing) {
  Policy policy = MustLoad(kFullExample);
  EXPECT_EQ(SavePolicy(MergePolicies(policy, policy)), SavePolicy(policy));
}

}  // namespace
}  // namespace warden
