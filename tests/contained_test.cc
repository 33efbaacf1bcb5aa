// Contained learn's fence (policy/contained.h) and what learn makes of its
// refusals (learner/contained.h).
#include "policy/contained.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <memory>

#include "learner/contained.h"
#include "learner_test_util.h"
#include "policy/yaml.h"

namespace warden {
namespace {

using learnertest::Started;
using learnertest::VarsFor;

Event Ev(Op op, std::string target, std::string detail = "") {
  Event e;
  e.op = op;
  e.target = std::move(target);
  e.detail = std::move(detail);
  return e;
}

// What the fence refuses, by the reason learn names.
std::string Reason(const Event& e, const PathVars& vars = VarsFor("x-1", "h")) {
  return std::string(ContainmentReason(e, vars).value_or("inside"));
}

TEST(ContainmentReason, NetworkIsInetOnly) {
  EXPECT_EQ(Reason(Ev(Op::kConnect, "tcp:127.0.0.1:8080")), "network");
  EXPECT_EQ(Reason(Ev(Op::kConnect, "udp:[::1]:53", "sendmsg")), "network");
  EXPECT_EQ(Reason(Ev(Op::kBind, "tcp:0.0.0.0:0")), "network");
  EXPECT_EQ(Reason(Ev(Op::kConnect, "unix:/var/run/nscd/socket")), "inside");
}

TEST(ContainmentReason, ReadsUnderHomeOnlyOfTheBuildAndToolchain) {
  EXPECT_EQ(Reason(Ev(Op::kRead, "/home/dev/.ssh/id_ed25519")), "read under $HOME");
  EXPECT_EQ(Reason(Ev(Op::kRead, "/home/dev")), "read under $HOME");
  EXPECT_EQ(Reason(Ev(Op::kRead, "/home/dev/.pyenv/shims/python3")),
            "read under $HOME");
  EXPECT_EQ(Reason(Ev(Op::kRead, "/home/dev/.cargo/registry/src/a/b.rs")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kRead, "/home/dev/.rustup/settings.toml")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kRead, "/home/dev/.cargo/credentials.toml")),
            "read of cargo's registry credentials");
  EXPECT_EQ(Reason(Ev(Op::kRead, "/etc/passwd")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kRead, "/proc/self/maps")), "inside");
  // A workspace in $HOME is the build's.
  PathVars vars = VarsFor("x-1", "h");
  vars.workspace_root = "/home/dev/src/app";
  EXPECT_EQ(Reason(Ev(Op::kRead, "/home/dev/src/app/build.rs"), vars), "inside");
  EXPECT_EQ(Reason(Ev(Op::kRead, "/home/dev/src/other/x"), vars),
            "read under $HOME");
}

// A directory that holds all of $HOME opens nothing in it: with HOME under
// /tmp (CI, the e2e tests) {tmp} does not let the secret through.
TEST(ContainmentReason, ADirectoryHoldingHomeOpensNothingInIt) {
  PathVars vars = VarsFor("x-1", "h");
  vars.home = "/tmp/ci/home";
  EXPECT_EQ(Reason(Ev(Op::kRead, "/tmp/ci/home/.netrc"), vars), "read under $HOME");
  EXPECT_EQ(Reason(Ev(Op::kCreate, "/tmp/ci/home/.bashrc"), vars),
            "write outside the build's directories");
  EXPECT_EQ(Reason(Ev(Op::kExec, "/tmp/ci/home/bin/payload"), vars),
            "exec outside the toolchain and the system");
  EXPECT_EQ(Reason(Ev(Op::kCreate, "/tmp/cc1.s"), vars), "inside");
}

TEST(ContainmentReason, WritesOnlyIntoTheBuildTemporariesAndSinks) {
  const PathVars vars = VarsFor("x-1", "h");
  const std::string out = vars.out_dir;
  EXPECT_EQ(Reason(Ev(Op::kCreate, out + "/gen.rs")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kMkdir, "/work/app/target/cmake-cache")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kCreate, "/tmp/ccXYZ.o")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kWrite, "/dev/null")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kWrite, "/dev/tty")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kWrite, "pipe:")), "inside");
  const std::string outside = "write outside the build's directories";
  EXPECT_EQ(Reason(Ev(Op::kCreate, "/work/app/src/generated.rs")), outside);
  EXPECT_EQ(Reason(Ev(Op::kWrite, "/home/dev/.bashrc")), outside);
  EXPECT_EQ(Reason(Ev(Op::kUtime, "/usr/share/cargo/registry/x-1/build.rs")), outside);
  // Both names of a rename and a hard link count.
  EXPECT_EQ(Reason(Ev(Op::kRename, out + "/a", out + "/b")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kRename, out + "/a", "/home/dev/.profile")), outside);
  EXPECT_EQ(Reason(Ev(Op::kLink, out + "/key", "/home/dev/.ssh/id_rsa")), outside);
  // A workspace in {tmp} is sources, not temporaries.
  PathVars in_tmp = vars;
  in_tmp.workspace_root = "/tmp/ws";
  in_tmp.target_dir = "/tmp/ws/target";
  EXPECT_EQ(Reason(Ev(Op::kCreate, "/tmp/ws/MARKER"), in_tmp), outside);
  EXPECT_EQ(Reason(Ev(Op::kCreate, "/tmp/ws/target/x"), in_tmp), "inside");
}

TEST(ContainmentReason, ProgramsOfTheSystemToolchainAndTheBuild) {
  const PathVars vars = VarsFor("x-1", "h");
  EXPECT_EQ(Reason(Ev(Op::kExec, "/usr/bin/cc")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kExec, "/bin/sh")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kExec, vars.sysroot + "/bin/rustc")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kExec, "/home/dev/.cargo/bin/cargo")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kExec, vars.out_dir + "/conftest")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kExec, "/tmp/cc-probe")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kExec, vars.manifest_dir + "/configure")), "inside");
  const std::string outside = "exec outside the toolchain and the system";
  EXPECT_EQ(Reason(Ev(Op::kExec, "/home/dev/.pyenv/shims/python3")), outside);
  EXPECT_EQ(Reason(Ev(Op::kExec, "/home/dev/.cargo/registry/x/payload")), outside);
  EXPECT_EQ(Reason(Ev(Op::kExec, "/srv/payload")), outside);
}

TEST(ContainmentReason, OtherRequestsAreNotFenced) {
  EXPECT_EQ(Reason(Ev(Op::kSyscall, "ptrace")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kSignal, "pid:1")), "inside");
  EXPECT_EQ(Reason(Ev(Op::kDirective, "rustc-link-arg=-x")), "inside");
}

TEST(ContainedLearnDecider, FencesProtectsWardensFilesAndHonoursThePolicy) {
  const PathVars vars = VarsFor("gen-1", "h");
  const std::vector<std::string> files =
      WardenFiles("/work/app/target/warden/warden.db", "/work/app/warden.yaml");
  ContainedLearnDecider bare(vars, files, nullptr);
  EXPECT_FALSE(bare.Decide(Ev(Op::kConnect, "tcp:10.0.0.1:443"), ""));
  EXPECT_FALSE(bare.Decide(Ev(Op::kRead, "/home/dev/.netrc"), ""));
  EXPECT_FALSE(bare.Decide(Ev(Op::kWrite, "/work/app/target/warden/warden.db"), ""));
  EXPECT_TRUE(bare.Decide(Ev(Op::kRead, "/usr/include/zlib.h"), ""));
  EXPECT_TRUE(bare.Decide(Ev(Op::kCreate, vars.out_dir + "/a.o"), ""));

  absl::StatusOr<Policy> policy = LoadPolicyText(
      "version: 1\npackages:\n  gen:\n    connect: [\"tcp:10.0.0.1:443\"]\n"
      "    write: [\"{target_dir}/**\"]\n",
      "warden.yaml");
  ASSERT_TRUE(policy.ok()) << policy.status();
  auto compiled = CompilePackagePolicy(*policy, {"gen", "1.0.0", "registry"}, vars);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  ContainedLearnDecider granted(vars, files, compiled->get());
  EXPECT_TRUE(granted.Decide(Ev(Op::kConnect, "tcp:10.0.0.1:443"), ""));
  EXPECT_FALSE(granted.Decide(Ev(Op::kConnect, "tcp:10.0.0.2:443"), ""));
  // The policy cannot open warden's own files.
  EXPECT_FALSE(granted.Decide(Ev(Op::kWrite, "/work/app/target/warden/warden.db"), ""));
}

TEST(ContainedLearnDecider, HomeLooksEmptyAndOtherProcessesKeepTheirSecrets) {
  const PathVars vars = VarsFor("gen-1", "h");
  ContainedLearnDecider d(vars, {}, nullptr);
  // Refused reads under $HOME fail as if the file were not there (git,
  // libgit2 go on without ~/.gitconfig); the rest of the fence is EACCES.
  Event gitconfig = Ev(Op::kRead, "/home/dev/.gitconfig");
  EXPECT_FALSE(d.Decide(gitconfig, gitconfig.target));
  gitconfig.allowed = false;
  EXPECT_EQ(d.RefusalError(gitconfig), ENOENT);
  Event connect = Ev(Op::kConnect, "tcp:10.0.0.1:443");
  connect.allowed = false;
  EXPECT_EQ(d.RefusalError(connect), EACCES);
  // Another process's /proc: public statistics only; environ is hidden.
  Event stat = Ev(Op::kRead, "/proc/4242/stat", std::string(kOtherProcess));
  EXPECT_TRUE(d.AllowsOtherProcess(stat, stat.target));
  Event environ = Ev(Op::kRead, "/proc/4242/environ", std::string(kOtherProcess));
  EXPECT_FALSE(d.AllowsOtherProcess(environ, environ.target));
  environ.allowed = false;
  EXPECT_EQ(d.RefusalError(environ), ENOENT);
  // A stat name that leads elsewhere (a symlink swapped in) is not stat.
  EXPECT_FALSE(d.AllowsOtherProcess(environ, "/proc/4242/stat"));
}

// A build script that fetched a payload and read a token: learn proposes
// both for the maintainer to decide, marked, and lists them as refusals.
Observation Fetcher(int exit_status) {
  Observation obs = Started("fetcher", "0.3.0");
  obs.exit_status = exit_status;
  Event connect = Ev(Op::kConnect, "tcp:93.184.216.34:443");
  connect.allowed = false;
  Event token = Ev(Op::kRead, "/home/dev/.config/gh/hosts.yml");
  token.allowed = false;
  token.error = ENOENT;  // the fence's answer to reads under $HOME
  Event tamper = Ev(Op::kWrite, "/work/app/warden.yaml");
  tamper.allowed = false;
  obs.events.push_back(connect);
  obs.events.push_back(token);
  obs.events.push_back(tamper);
  obs.events.push_back(Ev(Op::kCreate, obs.vars.out_dir + "/gen.rs"));
  return obs;
}

const std::vector<std::string> kWardenFiles =
    WardenFiles("/work/app/target/warden/warden.db", "/work/app/warden.yaml");

const Rule* FindRule(const std::vector<Rule>& rules, const std::string& value) {
  for (const Rule& r : rules)
    if (r.value == value) return &r;
  return nullptr;
}

TEST(ProposeReviewed, GrantsTheRefusedMarkedAndNeverWardensFiles) {
  Policy proposed =
      ProposeReviewed({Fetcher(0)}, {}, VarsFor("x-1", "h"), kWardenFiles);
  ASSERT_EQ(proposed.packages.size(), 1u);
  const PackageEntry& entry = proposed.packages[0];
  const Rule* connect = FindRule(entry.connect, "tcp:93.184.216.34:443");
  ASSERT_NE(connect, nullptr);
  EXPECT_EQ(connect->comment, "needs review: network; 1 access");
  const Rule* read = FindRule(entry.read, "{home}/.config/gh/hosts.yml");
  ASSERT_NE(read, nullptr);
  EXPECT_EQ(read->comment, "needs review: read under $HOME; 1 access");
  EXPECT_EQ(FindRule(entry.write, "{workspace_root}/warden.yaml"), nullptr);
  for (const Rule& r : entry.write) EXPECT_EQ(r.comment.find("needs review"), std::string::npos);
}

TEST(ProposeReviewed, WithoutRefusalsItIsLearnsProposal) {
  Observation obs = Started("typenum", "1.16.0");
  obs.events.push_back(Ev(Op::kRead, "/opt/data/x"));
  const std::vector<Observation> observed = {obs};
  EXPECT_EQ(SavePolicy(ProposeReviewed(observed, {}, obs.vars, kWardenFiles)),
            SavePolicy(ProposeRunPolicy(observed, {}, obs.vars)));
}

TEST(ContainedDenials, ListsTheFencesRefusalsWithTheirRule) {
  std::vector<ContainedDenial> denials = ContainedDenials({Fetcher(1)}, kWardenFiles);
  ASSERT_EQ(denials.size(), 2u);  // not the write to warden.yaml
  EXPECT_EQ(denials[0].reason, "network");
  EXPECT_EQ(denials[0].rule, "connect: \"tcp:93.184.216.34:443\"");
  EXPECT_EQ(denials[0].exit_status, 1);
  EXPECT_EQ(denials[1].reason, "read under $HOME");
  EXPECT_EQ(denials[1].rule, "read: \"{home}/.config/gh/hosts.yml\"");
}

}  // namespace
}  // namespace warden
