// ProposePolicy: one entry per package, its profiles, env names and
// programs; what never becomes a grant; merged runs; deterministic output.
#include "learner/learner.h"

#include <algorithm>
#include <cerrno>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "policy/yaml.h"
#include "tests/learner_test_util.h"

namespace warden::learnertest {
namespace {

TEST(ProposePolicyTest, PureBuildScriptNeedsNothingBeyondBaseline) {
  Policy policy;
  const PackageEntry& entry = Learn(PureScript(), policy);
  EXPECT_EQ(entry.name, "typenum");
  EXPECT_EQ(entry.version_req, "");
  EXPECT_EQ(entry.source, "registry");
  EXPECT_TRUE(entry.profiles.empty());
  EXPECT_TRUE(entry.read.empty());
  EXPECT_TRUE(entry.write.empty());
  EXPECT_TRUE(entry.exec.empty());
  // rerun-if-changed changes nothing about compiling or linking: no grant.
  EXPECT_TRUE(entry.directives.empty());
  // Distinct events, however often each was repeated.
  EXPECT_EQ(entry.comment, "learned from 1 run, 11 events");
}

TEST(ProposePolicyTest, PkgConfigCrateGetsProfileAndFewRules) {
  Policy policy;
  const PackageEntry& entry = Learn(PkgConfigScript(), policy);
  EXPECT_EQ(entry.profiles, (Strings{"pkg-config"}));
  EXPECT_TRUE(entry.exec.empty());
  EXPECT_TRUE(entry.read.empty());
  // Names the pkg-config profile already passes are not repeated.
  EXPECT_TRUE(entry.env.empty());
  EXPECT_EQ(Values(entry.directives),
            (Strings{"rustc-link-lib", "rustc-link-search"}));
}

TEST(ProposePolicyTest, EnvNamesAreSortedAndDeduplicated) {
  Observation obs = PureScript();
  obs.env_used = {"ZETA_DIR", "ALPHA_DIR", "ZETA_DIR", "OUT_DIR"};
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  // OUT_DIR is in the baseline.
  EXPECT_EQ(Values(entry.env), (Strings{"ALPHA_DIR", "ZETA_DIR"}));
}

TEST(ProposePolicyTest, EnvNamesKeepTargetTriplesAndDropTheUnspellable) {
  Observation obs = PureScript();
  // As bindgen declares them; a triple's '-' is spellable, a leading '-' or
  // digit is not, '$' ends the spellable prefix.
  obs.env_used = {"BINDGEN_EXTRA_CLANG_ARGS",
                  "BINDGEN_EXTRA_CLANG_ARGS_x86_64-unknown-linux-gnu",
                  "LIBCLANG_PATH",
                  "ODD$NAME",
                  "-odd",
                  "9LIVES"};
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.env),
            (Strings{"BINDGEN_EXTRA_CLANG_ARGS",
                     "BINDGEN_EXTRA_CLANG_ARGS_x86_64-unknown-linux-gnu",
                     "LIBCLANG_PATH", "ODD*"}));
  EXPECT_TRUE(LoadPolicyText(SavePolicy(policy), "warden.yaml").ok());
}

TEST(ProposePolicyTest, FailedAndDeniedEventsNeverBecomeGrants) {
  Observation obs = Started("probe", "1.0.0");
  obs.events.push_back(Ev(Op::kRead, "/opt/sdk/include/zlib.h", ENOENT, 40));
  obs.events.push_back(Ev(Op::kExec, "/usr/bin/freebsd-version", ENOENT, 11));
  obs.events.push_back(Ev(Op::kMkdir, "/work/app", EEXIST));
  obs.events.push_back(Ev(Op::kConnect, "tcp:10.0.0.1:443", ECONNREFUSED));
  obs.events.push_back(Denied(Op::kCreate, "/home/dev/.ssh/authorized_keys"));
  obs.events.push_back(Denied(Op::kConnect, "tcp:93.184.216.34:80"));
  Event denied_ok = Ev(Op::kExec, "/usr/bin/curl");
  denied_ok.allowed = false;  // denied, though the kernel call "succeeded"
  obs.events.push_back(denied_ok);
  obs.events.push_back(Ev(Op::kSyscall, "ptrace"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(LineCount(entry), 0u) << SavePolicy(policy);
}

// The jobserver pipe reopened through /proc/self/fd/N is logged by kind
// ("pipe:"); the supervisor allows held objects without a policy.
TEST(ProposePolicyTest, HeldObjectsNeverBecomeGrants) {
  Observation obs = Started("anyhow", "1.0.69");
  obs.events.push_back(Ev(Op::kWrite, "pipe:", 0, 2));
  obs.events.push_back(Ev(Op::kRead, "socket:"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(LineCount(entry), 0u) << SavePolicy(policy);
}

TEST(ProposePolicyTest, ExecByNameOnlyWhenFoundThroughPath) {
  Observation obs = Started("mixed", "0.1.0");
  AddPathExec(obs, "/usr/bin", "protoc");
  obs.events.push_back(Ev(Op::kExec, "/opt/protobuf/bin/protoc"));
  obs.events.push_back(Ev(Op::kExec, obs.vars.manifest_dir + "/configure"));
  obs.events.push_back(Ev(Op::kExec, "/work/app/target/debug/helper"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.exec),
            (Strings{"/opt/protobuf/bin/protoc", "protoc",
                     "{manifest_dir}/configure", "{target_dir}/debug/helper"}));
}

TEST(ProposePolicyTest, RustcThroughRustupProxyPicksRustcProfile) {
  Observation obs = Started("libudev-sys", "0.1.4");
  AddPathExec(obs, "/home/dev/.cargo/bin", "rustc");
  obs.events.push_back(Ev(Op::kExec, std::string(kSysroot) + "/bin/rustc"));
  obs.events.push_back(
      Ev(Op::kRead, std::string(kSysroot) + "/lib/librustc_driver.so", 0, 3));
  obs.events.push_back(Ev(Op::kWrite, "/dev/fd/4", 0, 2));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(entry.profiles, (Strings{"rustc"}));
  EXPECT_EQ(LineCount(entry), 1u) << SavePolicy(policy);
}

TEST(ProposePolicyTest, ToolchainsAreRecognisedUnderDistributionNames) {
  Observation obs = Started("cc-probe", "1.0.0");
  obs.events.push_back(Ev(Op::kExec, "/usr/bin/x86_64-linux-gnu-gcc-12"));
  obs.events.push_back(Ev(Op::kExec, "/usr/lib/llvm-14/bin/clang-14"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(entry.profiles, (Strings{"c-toolchain"}));
  // The profile runs clang by name only.
  EXPECT_EQ(Values(entry.exec), (Strings{"/usr/lib/llvm-14/bin/clang-14"}));
}

TEST(ProposePolicyTest, ShellAndCoreutilsPickShellProfile) {
  Observation obs = Started("jemalloc-sys", "0.3.2");
  obs.events.push_back(Ev(Op::kExec, "/bin/sh"));
  AddPathExec(obs, "/usr/bin", "rm", 334);
  AddPathExec(obs, "/usr/bin", "hostname");
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(entry.profiles, (Strings{"shell"}));
  EXPECT_TRUE(entry.exec.empty()) << SavePolicy(policy);
}

TEST(ProposePolicyTest, NetworkTargetsAreKeptExactly) {
  Observation obs = Started("net", "1.0.0");
  obs.events.push_back(Ev(Op::kConnect, "tcp:127.0.0.1:8080", 0, 3));
  obs.events.push_back(Ev(Op::kConnect, "unix:/run/x.sock"));
  obs.events.push_back(Ev(Op::kBind, "tcp:[::1]:9000"));
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_EQ(Values(entry.connect),
            (Strings{"tcp:127.0.0.1:8080", "unix:/run/x.sock"}));
  // Three connects to one address are one distinct access.
  EXPECT_EQ(entry.connect[0].comment, "1 access");
  EXPECT_EQ(Values(entry.bind), (Strings{"tcp:[::1]:9000"}));
}

TEST(ProposePolicyTest, RunsOfOnePackageMergeIntoOneEntry) {
  // Two builds with different features: different OUT_DIR hashes and
  // different accesses.
  Observation plain = Started("openssl-sys", "0.9.80", "aaaa1111");
  AddPathExec(plain, "/usr/bin", "pkg-config");
  plain.events.push_back(Ev(Op::kRead, "/opt/ssl/openssl.cnf"));
  plain.env_used = {"OPENSSL_DIR"};
  plain.directives = {{0, "rustc-link-lib", "ssl"}};

  Observation vendored = Started("openssl-sys", "0.9.80", "bbbb2222");
  AddPathExec(vendored, "/usr/bin", "cc");
  vendored.events.push_back(Ev(Op::kRead, "/opt/ssl/openssl.cnf", 0, 2));
  vendored.events.push_back(Ev(Op::kCreate, vendored.vars.out_dir + "/x.o"));
  vendored.env_used = {"OPENSSL_NO_VENDOR"};
  vendored.directives = {{0, "rustc-link-lib", "crypto"},
                         {0, "rustc-cfg", "ossl300"}};

  const Policy policy = ProposePolicy({plain, vendored});
  const PackageEntry& entry = OnlyEntry(policy);
  EXPECT_EQ(entry.profiles, (Strings{"c-toolchain", "pkg-config"}));
  ASSERT_EQ(Values(entry.read), (Strings{"/opt/ssl/openssl.cnf"}));
  // One distinct read in each run.
  EXPECT_EQ(entry.read[0].comment, "2 accesses");
  EXPECT_TRUE(entry.write.empty());
  EXPECT_EQ(Values(entry.env), (Strings{"OPENSSL_DIR", "OPENSSL_NO_VENDOR"}));
  EXPECT_EQ(Values(entry.directives), (Strings{"rustc-cfg", "rustc-link-lib"}));
  EXPECT_TRUE(entry.comment.starts_with("learned from 2 runs, "))
      << entry.comment;
}

TEST(ProposePolicyTest, RunsFromDifferentSourcesShareAnEntryWithoutSource) {
  Observation path_run = PureScript();
  path_run.package.source = "path";
  const Policy policy = ProposePolicy({PureScript(), path_run});
  const PackageEntry& entry = OnlyEntry(policy);
  EXPECT_EQ(entry.source, "");
  EXPECT_TRUE(entry.comment.starts_with("learned from 2 runs, "));
  EXPECT_TRUE(LoadPolicyText(SavePolicy(policy), "warden.yaml").ok());
}

TEST(ProposePolicyTest, OneEntryPerPackageSortedByName) {
  const Policy policy =
      ProposePolicy({GitConfigScript(), PureScript(), PkgConfigScript()});
  std::vector<std::string> names;
  for (const PackageEntry& entry : policy.packages) names.push_back(entry.name);
  EXPECT_EQ(names, (Strings{"jemalloc-sys", "libz-sys", "typenum"}));
}

TEST(ProposePolicyTest, OutputIsByteIdenticalForShuffledInput) {
  std::vector<Observation> observations = {
      CcScript(), PkgConfigScript(), GitConfigScript(), PureScript(),
      Started("ring", "0.16.20", "ffff0000")};
  const std::string expected = SavePolicy(ProposePolicy(observations));
  std::mt19937 rng(7);
  for (int round = 0; round < 5; ++round) {
    std::shuffle(observations.begin(), observations.end(), rng);
    for (Observation& obs : observations) {
      std::shuffle(obs.events.begin(), obs.events.end(), rng);
      std::shuffle(obs.env_used.begin(), obs.env_used.end(), rng);
      std::shuffle(obs.directives.begin(), obs.directives.end(), rng);
    }
    EXPECT_EQ(SavePolicy(ProposePolicy(observations)), expected);
  }
}

// How often a request repeats depends on scheduling (make -j, cargo's
// jobserver): the policy must not.
TEST(ProposePolicyTest, RepeatCountsDoNotChangeThePolicy) {
  Observation once = Started("net", "1.0.0");
  once.events.push_back(Ev(Op::kConnect, "tcp:127.0.0.1:8080"));
  once.events.push_back(Ev(Op::kRead, "/opt/ssl/openssl.cnf"));
  Observation often = once;
  for (Event& e : often.events) e.count = 17;
  EXPECT_EQ(SavePolicy(ProposePolicy({once})), SavePolicy(ProposePolicy({often})));
}

// Enforce refuses another process's /proc whatever the policy says: learn
// proposes nothing for it and the denial hint offers no line.
TEST(ProposePolicyTest, AnotherProcessesProcIsNeverProposed) {
  Observation obs = Started("vergen", "8.0.0");
  Event e = Ev(Op::kRead, "/proc/1/environ");
  e.detail = std::string(kOtherProcess);
  obs.events.push_back(e);
  Policy policy;
  const PackageEntry& entry = Learn(obs, policy);
  EXPECT_TRUE(entry.read.empty());
  EXPECT_EQ(SuggestRule(e, obs.vars), "");
}

// sysinfo reads /proc/<pid>/stat of every process on the machine, whose
// number varies from run to run: the proposal must not.
TEST(ProposePolicyTest, HowManyOtherProcessesRanDoesNotChangeTheProposal) {
  auto reading = [](int processes) {
    Observation obs = Started("vergen", "8.0.0");
    for (int pid = 100; pid < 100 + processes; ++pid) {
      Event e = Ev(Op::kRead, "/proc/" + std::to_string(pid) + "/stat");
      e.detail = std::string(kOtherProcess);
      obs.events.push_back(e);
    }
    return obs;
  };
  const std::string few = SavePolicy(ProposePolicy({reading(86)}));
  EXPECT_EQ(few, SavePolicy(ProposePolicy({reading(90)})));
  EXPECT_NE(few.find("/proc/*/stat"), std::string::npos) << few;
}

}  // namespace
}  // namespace warden
