// The SARIF writer's document shape; tests/sarif_validate.sh runs a real
// validator on it.
#include "tools/sarif.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include <nlohmann/json.hpp>

namespace warden {
namespace {

std::vector<SarifFinding> Sample() {
  SarifFinding read{.rule_id = SarifRuleId("read", "denied"),
                    .rule_name = "build script read a file the policy does not grant",
                    .help = "allow with, under packages: evil: read: \"{home}/.secret\"",
                    .message = "evil 0.1.0: denied read /home/me/.secret",
                    .locations = {{"warden.yaml", 4, 3}, {"evil/build.rs", 0, 0}},
                    .properties = {{"package", "evil"}, {"version", "0.1.0"},
                                   {"source", "path"}, {"operation", "read"},
                                   {"target", "/home/me/.secret"}}};
  SarifFinding second = read;
  second.message = "evil 0.1.0: denied read /etc/shadow";
  SarifFinding exec = read;
  exec.rule_id = SarifRuleId("exec", "denied");
  return {read, second, exec};
}

TEST(SarifTest, RuleIdsAreStable) {
  EXPECT_EQ(SarifRuleId("read", "denied"), "WARDEN-READ-DENIED");
  EXPECT_EQ(SarifRuleId("rustc-env", "added"), "WARDEN-RUSTC-ENV-ADDED");
}

TEST(SarifTest, OneRulePerKindResultsReferToIt) {
  nlohmann::json doc = nlohmann::json::parse(SarifDocument(Sample()));
  EXPECT_EQ(doc["version"], "2.1.0");
  const auto& run = doc["runs"][0];
  ASSERT_EQ(run["tool"]["driver"]["rules"].size(), 2u);
  EXPECT_EQ(run["tool"]["driver"]["rules"][1]["id"], "WARDEN-EXEC-DENIED");
  ASSERT_EQ(run["results"].size(), 3u);
  EXPECT_EQ(run["results"][1]["ruleIndex"], 0);
  EXPECT_EQ(run["results"][2]["ruleIndex"], 1);
  const auto& loc = run["results"][0]["locations"];
  EXPECT_EQ(loc[0]["physicalLocation"]["region"]["startLine"], 4);
  EXPECT_EQ(loc[1]["physicalLocation"]["region"]["startLine"], 1);
  EXPECT_EQ(run["results"][0]["properties"]["target"], "/home/me/.secret");
}

TEST(SarifTest, EmptyIsAValidRun) {
  nlohmann::json doc = nlohmann::json::parse(SarifDocument({}));
  EXPECT_TRUE(doc["runs"][0]["results"].empty());
}

// Writes the sample for the validator script when asked to.
TEST(SarifTest, WritesSampleForValidator) {
  const char* out = std::getenv("WARDEN_SARIF_SAMPLE");
  if (out == nullptr) GTEST_SKIP() << "WARDEN_SARIF_SAMPLE not set";
  std::ofstream(out) << SarifDocument(Sample());
}

}  // namespace
}  // namespace warden
