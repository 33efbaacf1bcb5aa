// DiffPolicies: added and removed grants, version changes, new and dropped
// packages, and the risk labels an upgrade review reads.
#include "learner/learner.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "tests/learner_test_util.h"

namespace warden::learnertest {
namespace {

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
}  // namespace warden::learnertest
