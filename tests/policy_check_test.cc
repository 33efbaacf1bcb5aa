#include "policy/check.h"

#include <gtest/gtest.h>

#include "policy/yaml.h"

namespace warden {
namespace {

Policy Load(const std::string& text) {
  absl::StatusOr<Policy> p = LoadPolicyText(text, "test.yaml");
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : Policy{};
}

std::vector<std::string> Kinds(const std::vector<CheckFinding>& findings) {
  std::vector<std::string> out;
  for (const CheckFinding& f : findings)
    out.push_back(std::string(CheckKindName(f.kind)) + " " + f.package + " " + f.detail);
  return out;
}

const PackageId kZ{"libz-sys", "1.1.20", "registry"};
const PackageId kLibc{"libc", "0.2.150", "registry"};

TEST(CheckPolicy, CleanPolicyHasNoFindings) {
  Policy granted = Load("version: 1\npackages:\n  libz-sys:\n    read: [\"/usr/include/**\"]\n");
  Policy declared;
  EXPECT_TRUE(CheckPolicy({&granted, &declared, {kZ, kLibc}, {kZ}}).empty());
}

TEST(CheckPolicy, BuildScriptWithoutEntry) {
  Policy granted = Load("version: 1\npackages:\n  libz-sys: {}\n");
  Policy declared;
  EXPECT_EQ(Kinds(CheckPolicy({&granted, &declared, {kZ, kLibc}, {kZ, kLibc}})),
            (std::vector<std::string>{
                "missing-entry libc has a build script and no warden.yaml entry"}));
}

TEST(CheckPolicy, EntryForPackageNoLongerLocked) {
  Policy granted = Load("version: 1\npackages:\n  libz-sys: {}\n  openssl-sys: {}\n");
  Policy declared;
  EXPECT_EQ(Kinds(CheckPolicy({&granted, &declared, {kZ}, {kZ}})),
            (std::vector<std::string>{"stale-entry openssl-sys not in Cargo.lock"}));
}

TEST(CheckPolicy, RequirementNoLongerMatchesLockedVersion) {
  Policy granted = Load(
      "version: 1\npackages:\n  libz-sys:\n    version: \">=1.0, <1.1\"\n");
  Policy declared;
  std::vector<CheckFinding> f = CheckPolicy({&granted, &declared, {kZ}, {kZ}});
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].kind, CheckKind::kMissingEntry);  // nothing applies to 1.1.20
  EXPECT_EQ(f[1].kind, CheckKind::kVersionMismatch);
  EXPECT_NE(f[1].detail.find("1.1.20"), std::string::npos);
}

TEST(CheckPolicy, DeclaredVersusGranted) {
  Policy granted = Load(
      "version: 1\npackages:\n  libz-sys:\n    read: [\"/etc/hostname\"]\n");
  Policy declared = Load(
      "version: 1\npackages:\n  libz-sys:\n    read: [\"/usr/include/**\"]\n");
  EXPECT_EQ(Kinds(CheckPolicy({&granted, &declared, {kZ}, {kZ}})),
            (std::vector<std::string>{
                "declared-not-granted libz-sys read: /usr/include/**",
                "granted-not-declared libz-sys read: /etc/hostname"}));
}

TEST(CheckPolicy, UndeclaringPackageIsNotComparedWithDeclarations) {
  Policy granted = Load("version: 1\npackages:\n  libz-sys:\n    read: [\"/etc/hostname\"]\n");
  Policy declared;
  EXPECT_TRUE(CheckPolicy({&granted, &declared, {kZ}, {kZ}}).empty());
}

}  // namespace
}  // namespace warden
