// ImportCensus: which census entries seed warden.yaml for a Cargo.lock.
#include "learner/import.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace warden {
namespace {

PackageEntry Entry(const std::string& name, const std::string& req,
                   const std::string& exec = "") {
  PackageEntry e;
  e.name = name;
  e.version_req = req;
  e.source = "registry";
  e.comment = "learned from 1 run, 9 events";
  if (!exec.empty()) {
    Rule r;
    r.value = exec;
    e.exec.push_back(r);
  }
  return e;
}

std::vector<CensusPolicy> Census() {
  CensusPolicy a{"census/policies/cc-user-1.0.0.yaml", {}};
  a.policy.packages.push_back(Entry("cc-user", "=1.0.0", "cc"));
  CensusPolicy b{"census/policies/cc-user-1.1.0.yaml", {}};
  b.policy.packages.push_back(Entry("cc-user", "=1.1.0", "gcc"));
  CensusPolicy c{"census/policies/loose.yaml", {}};
  c.policy.packages.push_back(Entry("loose", ""));
  return {a, b, c};
}

TEST(ImportCensus, SeedsTheLockedVersionPinnedAndMarked) {
  const ImportResult r = ImportCensus(
      Policy{}, {{"cc-user", "1.1.0", "registry"}}, Census());
  ASSERT_EQ(r.policy.packages.size(), 1u);
  const PackageEntry& e = r.policy.packages[0];
  EXPECT_EQ(e.version_req, "=1.1.0");
  EXPECT_EQ(e.source, "registry");
  ASSERT_EQ(e.exec.size(), 1u);
  EXPECT_EQ(e.exec[0].value, "gcc");
  EXPECT_EQ(e.comment, "imported from census/policies/cc-user-1.1.0.yaml, "
                       "not learned here: review");
  EXPECT_EQ(r.imported, std::vector<std::string>{
                            "cc-user 1.1.0 (census/policies/cc-user-1.1.0.yaml)"});
}

TEST(ImportCensus, OtherVersionsUnpinnedAndPathPackagesAreNotImported) {
  const ImportResult r = ImportCensus(
      Policy{},
      {{"cc-user", "1.2.0", "registry"}, {"loose", "0.1.0", "registry"},
       {"cc-user", "1.0.0", "path"}},
      Census());
  EXPECT_TRUE(r.policy.packages.empty());
  EXPECT_EQ(r.missing, (std::vector<std::string>{"cc-user 1.2.0", "loose 0.1.0"}));
}

TEST(ImportCensus, NeverReplacesAnExistingEntry) {
  Policy existing;
  existing.packages.push_back(Entry("cc-user", "", "clang"));
  const ImportResult r = ImportCensus(
      existing, {{"cc-user", "1.0.0", "registry"}}, Census());
  ASSERT_EQ(r.policy.packages.size(), 1u);
  EXPECT_EQ(r.policy.packages[0].exec[0].value, "clang");
  EXPECT_EQ(r.kept, std::vector<std::string>{"cc-user 1.0.0"});
  EXPECT_TRUE(r.imported.empty());
}

}  // namespace
}  // namespace warden
