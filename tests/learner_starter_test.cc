#include "learner/starter.h"

#include <gtest/gtest.h>

#include "policy/check.h"
#include "policy/yaml.h"

namespace warden {
namespace {

TEST(StarterPolicy, OneEntryPerBuildScriptFromDeclarations) {
  absl::StatusOr<Policy> declared = LoadPolicyText(
      "version: 1\npackages:\n  libz-sys:\n    read: [\"/usr/include/**\"]\n", "d");
  ASSERT_TRUE(declared.ok());
  std::string text = StarterPolicyText(
      {{"libz-sys", "1.1.20", "registry"}, {"demo-gen", "0.1.0", "path"},
       {"demo-gen", "0.1.0", "path"}},
      *declared);
  EXPECT_EQ(text.rfind("# warden.yaml", 0), 0u) << text;
  absl::StatusOr<Policy> loaded = LoadPolicyText(text, "warden.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status() << "\n" << text;
  ASSERT_EQ(loaded->packages.size(), 2u) << text;
  EXPECT_EQ(GrantLines(*loaded, "libz-sys"),
            (std::set<std::string>{"read: /usr/include/**"}));
  EXPECT_TRUE(GrantLines(*loaded, "demo-gen").empty());
  EXPECT_NE(text.find("declares nothing"), std::string::npos) << text;
}

}  // namespace
}  // namespace warden
