// Tests that the learner spells grants as the policy library does
// (policy/pattern.h, policy/profiles.h) and that DiffPolicies covers every
// section of a policy.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "learner/learner.h"
#include "policy/yaml.h"

namespace warden {
namespace {

using Strings = std::vector<std::string>;

Observation OddRun() {
  Observation obs;
  obs.package = {"odd", "1.0.0", "registry"};
  obs.vars.out_dir = "/w/target/debug/build/odd-1/out";
  obs.vars.target_dir = "/w/target";
  obs.vars.manifest_dir = "/w/odd";
  obs.vars.workspace_root = "/w";
  obs.vars.home = "/home/dev";
  obs.vars.tmp = "/tmp";
  obs.vars.path_dirs = {"/usr/bin", "/bin"};
  return obs;
}

Event Ev(Op op, std::string target) {
  Event event;
  event.op = op;
  event.target = std::move(target);
  return event;
}

Strings Values(const std::vector<Rule>& rules) {
  Strings out;
  for (const Rule& rule : rules) out.push_back(rule.value);
  return out;
}

TEST(LearnerSpellingTest, ProposalIsTheRuleTheHintSuggests) {
  Observation obs = OddRun();
  obs.events = {Ev(Op::kRead, "/tmp/a{b}.txt"), Ev(Op::kRead, "/opt/x*y"),
                Ev(Op::kRead, "/"), Ev(Op::kConnect, "unix:@abstract"),
                Ev(Op::kConnect, "unix:/tmp/s{1}.sock")};
  const Policy policy = ProposePolicy({obs});
  ASSERT_EQ(policy.packages.size(), 1u);
  const PackageEntry& entry = policy.packages[0];
  // The root and abstract sockets cannot be granted: left out, so the
  // proposal loads.
  EXPECT_EQ(Values(entry.read), (Strings{"/opt/x?y", "{tmp}/a?b?.txt"}));
  EXPECT_EQ(Values(entry.connect), (Strings{"unix:{tmp}/s?1?.sock"}));
  for (const Event& event : obs.events) {
    const std::string hint = SuggestRule(event, obs.vars);
    if (hint.empty()) continue;
    const std::string value = hint.substr(hint.find(": ") + 2);
    bool proposed = false;
    for (const std::vector<Rule>* rules : {&entry.read, &entry.connect})
      for (const Rule& rule : *rules)
        proposed = proposed || QuotedScalar(rule.value) == value;
    EXPECT_TRUE(proposed) << hint;
  }
  EXPECT_TRUE(LoadPolicyText(SavePolicy(policy), "warden.yaml").ok())
      << SavePolicy(policy);
}

TEST(LearnerSpellingTest, ShellProfileCoversItsTriggers) {
  Observation obs = OddRun();
  obs.events = {Ev(Op::kExec, "/usr/bin/mktemp"), Ev(Op::kExec, "/usr/bin/stat"),
                Ev(Op::kExec, "/bin/sh")};
  const Policy policy = ProposePolicy({obs});
  ASSERT_EQ(policy.packages.size(), 1u);
  EXPECT_EQ(policy.packages[0].profiles, (Strings{"shell"}));
  EXPECT_TRUE(policy.packages[0].exec.empty())
      << Values(policy.packages[0].exec)[0];
}

TEST(LearnerSpellingTest, LinkSearchPathsGetVariablesBack) {
  Observation obs = OddRun();
  obs.directives = {{0, "rustc-link-search", "native=/w/target/{x}*"}};
  const Policy policy = ProposePolicy({obs});
  ASSERT_EQ(policy.packages.size(), 1u);
  EXPECT_EQ(Values(policy.packages[0].directives),
            (Strings{"rustc-link-search={target_dir}/?x?\\*"}));
  EXPECT_TRUE(LoadPolicyText(SavePolicy(policy), "warden.yaml").ok())
      << SavePolicy(policy);
}

// ---- DiffPolicies: compile: ----

std::vector<std::string> Changes(const std::vector<PolicyChange>& changes) {
  Strings out;
  for (const PolicyChange& c : changes)
    out.push_back(c.package + " " + c.kind + " " + c.value +
                  (c.added ? " +" : " -") +
                  (c.risk.empty() ? "" : " [" + c.risk + "]"));
  return out;
}

TEST(DiffPoliciesTest, CompileGrantsAreReported) {
  Policy before, after;
  before.compile.read.push_back(Rule{"/opt/schema/**", "", "", {}});
  after.compile.read.push_back(Rule{"{home}/.config/schema/**", "", "", {}});
  after.compile.connect.push_back(Rule{"tcp:127.0.0.1:5432", "", "", {}});
  EXPECT_EQ(Changes(DiffPolicies(before, after)),
            (Strings{"(compile) connect tcp:127.0.0.1:5432 + [network]",
                     "(compile) read /opt/schema/** -",
                     "(compile) read {home}/.config/schema/** + [home-read]"}));
  EXPECT_TRUE(DiffPolicies(after, after).empty());
}

}  // namespace
}  // namespace warden
