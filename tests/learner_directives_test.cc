// ProposePolicy for the cargo:KEY=VALUE directives build scripts print: what
// is granted, with which value, and that the proposal allows the run again.
#include "learner/learner.h"

#include <string>

#include "gtest/gtest.h"
#include "policy/directives.h"
#include "policy/yaml.h"
#include "tests/learner_test_util.h"

namespace warden::learnertest {
namespace {

// ExpectAllowsDirectives checks that the proposal for `obs`, saved and
// loaded, allows every directive of the run except WARDEN_* variables.
void ExpectAllowsDirectives(const Observation& obs) {
  const Policy policy = ProposePolicy({obs});
  const auto loaded = LoadPolicyText(SavePolicy(policy), "warden.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status() << "\n" << SavePolicy(policy);
  const auto compiled = CompilePackagePolicy(*loaded, obs.package, obs.vars);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  for (const Directive& directive : obs.directives) {
    const ParsedDirective parsed =
        DirectiveFromStored(directive.key, directive.value);
    const DirectiveVerdict verdict = CheckDirective(**compiled, parsed);
    EXPECT_EQ(verdict.allowed, !AlwaysDropped(parsed))
        << directive.key << "=" << directive.value << ": " << verdict.reason
        << "\n" << SavePolicy(policy);
  }
}

TEST(ProposePolicyTest, LinkArgumentsAreProposedWithTheirExactValue) {
  Observation obs = PureScript();
  obs.directives = {{0, "rustc-link-arg", "-Wl,--as-needed"},
                    {0, "rustc-link-arg", "-Wl,--version-script=a*b?.map"},
                    {0, "rustc-link-arg-bin", "app=-Tlink.x"},
                    {0, "rustc-cdylib-link-arg", "-Wl,-soname,libx.so"},
                    {0, "rustc-flags", "-l z"}};
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.directives),
            (Strings{"rustc-cdylib-link-arg=-Wl,-soname,libx.so",
                     "rustc-flags=-l z", "rustc-link-arg-bin=app=-Tlink.x",
                     "rustc-link-arg=-Wl,--as-needed",
                     "rustc-link-arg=-Wl,--version-script=a\\*b\\?.map"}));
  ExpectAllowsDirectives(obs);
  // The escaped pattern matches only the exact value.
  const auto loaded = LoadPolicyText(SavePolicy(policy), "warden.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const auto compiled = CompilePackagePolicy(*loaded, obs.package, obs.vars);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_FALSE(CheckDirective(**compiled,
                              DirectiveFromStored(
                                  "rustc-link-arg",
                                  "-Wl,--version-script=aXbY.map"))
                   .allowed);
}

TEST(ProposePolicyTest, RustcEnvIsProposedByNameWhenDangerousNeverWarden) {
  Observation obs = PureScript();
  obs.directives = {{0, "rustc-env", "GIT_HASH=abc"},
                    {0, "rustc-env", "LD_LIBRARY_PATH=/opt/x"},
                    {0, "rustc-env", "WARDEN_MODE=learn"}};
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.directives),
            (Strings{"rustc-env", "rustc-env=LD_LIBRARY_PATH"}));
  ExpectAllowsDirectives(obs);
}

TEST(ProposePolicyTest, UnreadableLinkSearchPathsAreGrantedWithVariables) {
  Observation obs = PureScript();
  obs.directives = {{0, "rustc-link-search", "native=/work/app/target/lib"},
                    {0, "rustc-link-search", "native=/usr/lib"},
                    {0, "rustc-link-search", "native=" + obs.vars.out_dir},
                    {0, "rustc-flags", "-L /opt/a*b -lz"}};
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.directives),
            (Strings{"rustc-flags=-L /opt/a\\*b -lz", "rustc-link-search",
                     "rustc-link-search=/opt/a\\*b",
                     "rustc-link-search={target_dir}/lib"}));
  EXPECT_TRUE(entry.read.empty());
  ExpectAllowsDirectives(obs);
}

TEST(ProposePolicyTest, ProposalAllowsObservedDirectives) {
  ExpectAllowsDirectives(CcScript());
  ExpectAllowsDirectives(PkgConfigScript());
  ExpectAllowsDirectives(PureScript());
}

}  // namespace
}  // namespace warden::learnertest
