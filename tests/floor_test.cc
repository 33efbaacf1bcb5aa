// The floor's plan (policy/floor.h) and its encoding (tracer/landlock.h).
#include "policy/floor.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "policy/yaml.h"

namespace warden {
namespace {

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

PathVars Vars() {
  PathVars vars;
  vars.home = "/home/u";
  vars.cargo_home = "/home/u/.cargo";
  vars.rustup_home = "/home/u/.rustup";
  vars.workspace_root = "/ws";
  vars.target_dir = "/ws/target";
  vars.tmp = "/tmp";
  return vars;
}

TEST(Floor, GrantsSourcesAndToolchainButNotHome) {
  LandlockPlan plan = BaseFloor(Policy{}, Vars(), 6);
  EXPECT_TRUE(plan.restrict_fs);
  EXPECT_TRUE(plan.restrict_tcp);
  EXPECT_TRUE(plan.connect_ports.empty());
  EXPECT_TRUE(PlanGrantsRead(plan, "/home/u/.cargo/registry/src/x/lib.rs"));
  EXPECT_TRUE(PlanGrantsRead(plan, "/home/u/.rustup/toolchains/s/lib/a.rlib"));
  EXPECT_TRUE(PlanGrantsRead(plan, "/ws/src/main.rs"));
  EXPECT_FALSE(PlanGrantsRead(plan, "/home/u/.ssh/id_ed25519"));
  EXPECT_FALSE(PlanGrantsRead(plan, "/home/u/.cargo/credentials.toml"));
  EXPECT_FALSE(Has(plan.write_paths, "/ws/target"));
  EXPECT_FALSE(Has(plan.scratch_paths, "/ws/target"));
}

TEST(Floor, SystemAsAnyUserMayReadIt) {
  LandlockPlan plan = BaseFloor(Policy{}, Vars(), 6);
  EXPECT_TRUE(PlanGrantsRead(plan, "/usr/include/stdio.h"));
  EXPECT_TRUE(PlanGrantsRead(plan, "/etc/passwd"));
  EXPECT_FALSE(PlanGrantsRead(plan, "/etc/shadow"));  // 0640 on Debian
  // A level down: /etc/ssl is split around its 0710 private/ (openssl's).
  struct stat st;
  if (stat("/etc/ssl/private", &st) == 0 && !(st.st_mode & S_IROTH)) {
    EXPECT_FALSE(PlanGrantsRead(plan, "/etc/ssl/private/ssl-cert-snakeoil.key"));
    EXPECT_TRUE(PlanGrantsRead(plan, "/etc/ssl/openssl.cnf"));
  }
  EXPECT_TRUE(PlanGrantsRead(plan, "/proc/cpuinfo"));
  EXPECT_FALSE(PlanGrantsRead(plan, "/proc/1/environ"));
  EXPECT_FALSE(Has(plan.data_paths, "/proc"));
  EXPECT_FALSE(Has(plan.data_paths, "/dev"));
  EXPECT_TRUE(PlanGrantsRead(plan, "/dev/urandom"));
  EXPECT_TRUE(PlanGrantsRead(plan, "/sys/devices/system/cpu/online"));
  EXPECT_FALSE(PlanGrantsRead(plan, "/sys/class/dmi/id/product_serial"));
  EXPECT_FALSE(PlanGrantsRead(plan, "/sys/devices/virtual/dmi/id/product_uuid"));
}

TEST(Floor, CompileSectionWidensIt) {
  absl::StatusOr<Policy> policy = LoadPolicyText(
      "version: 1\ncompile:\n  read: [\"{home}/.config/x/**\"]\n"
      "  connect: [\"tcp:127.0.0.1:4226\"]\n",
      "warden.yaml");
  ASSERT_TRUE(policy.ok()) << policy.status();
  LandlockPlan plan = BaseFloor(*policy, Vars(), 6);
  EXPECT_TRUE(PlanGrantsRead(plan, "/home/u/.config/x/schema.json"));
  EXPECT_EQ(plan.connect_ports, std::vector<uint16_t>{4226});
  EXPECT_NE(SavePolicy(*policy).find("compile:"), std::string::npos);
}

TEST(Floor, CompileSiteWritesOnlyItsOutputs) {
  LandlockPlan plan = BaseFloor(Policy{}, Vars(), 6);
  AddCompileSite(plan, {"/sysroot", "/pkg", {"/ws/target/debug/deps"}, {}});
  EXPECT_TRUE(Has(plan.scratch_paths, "/ws/target/debug/deps"));
  EXPECT_TRUE(PlanGrantsRead(plan, "/pkg/src/lib.rs"));
  EXPECT_TRUE(Has(plan.read_paths, "/sysroot"));
}

TEST(Floor, CompilerCacheReachesItsServersPort) {
  LandlockPlan plan = BaseFloor(Policy{}, Vars(), 6);
  EXPECT_FALSE(AddCompilerCache(plan, "/usr/bin/ccache", ""));
  EXPECT_TRUE(plan.connect_ports.empty());
  EXPECT_TRUE(AddCompilerCache(plan, "/home/u/.cargo/bin/sccache", ""));
  EXPECT_TRUE(AddCompilerCache(plan, "sccache", "5000"));
  EXPECT_TRUE(AddCompilerCache(plan, "sccache", "70000"));  // not a port
  EXPECT_EQ(plan.connect_ports, (std::vector<uint16_t>{4226, 5000, 4226}));
  LandlockPlan open = BaseFloor(Policy{}, Vars(), 3);  // no TCP rules at all
  EXPECT_TRUE(AddCompilerCache(open, "sccache", ""));
  EXPECT_TRUE(open.connect_ports.empty());
}

TEST(LandlockPlan, EncodingRoundTrips) {
  LandlockPlan plan = BaseFloor(Policy{}, Vars(), 6);
  plan.connect_ports = {80, 4226};
  plan.scratch_paths.push_back("/a path/with spaces");
  plan.scratch_paths.push_back("/new\nline");  // left out: never granted
  absl::StatusOr<LandlockPlan> back = DecodePlan(EncodePlan(plan));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->read_paths, plan.read_paths);
  EXPECT_EQ(back->data_paths, plan.data_paths);
  EXPECT_TRUE(Has(back->scratch_paths, "/a path/with spaces"));
  EXPECT_FALSE(Has(back->scratch_paths, "/new\nline"));
  EXPECT_EQ(back->connect_ports, plan.connect_ports);
  EXPECT_EQ(back->restrict_tcp, plan.restrict_tcp);
  EXPECT_EQ(back->scope, plan.scope);
  EXPECT_FALSE(DecodePlan("bogus /x\n").ok());
}

Event Request(Op op, std::string target, std::string detail = "") {
  Event e;
  e.op = op;
  e.target = std::move(target);
  e.detail = std::move(detail);
  return e;
}

TEST(FloorDecider, AgreesWithThePlansRights) {
  LandlockPlan plan = BaseFloor(Policy{}, Vars(), 6);
  AddCompileSite(plan, {"/sysroot", "/pkg", {"/ws/target/debug/deps"}, {}});
  plan.connect_ports = {4226};
  FloorDecider floor(plan);
  EXPECT_TRUE(floor.Decide(Request(Op::kRead, "/pkg/src/lib.rs"), ""));
  EXPECT_FALSE(floor.Decide(Request(Op::kRead, "/home/u/.ssh/id_ed25519"), ""));
  // Data of the system is readable, not executable; outputs not executable.
  EXPECT_TRUE(floor.Decide(Request(Op::kExec, "/sysroot/bin/rustc"), ""));
  EXPECT_FALSE(floor.Decide(Request(Op::kExec, "/etc/passwd"), ""));
  EXPECT_FALSE(floor.Decide(Request(Op::kExec, "/ws/target/debug/deps/x"), ""));
  EXPECT_TRUE(floor.Decide(Request(Op::kCreate, "/ws/target/debug/deps/a.o"), ""));
  EXPECT_FALSE(floor.Decide(Request(Op::kWrite, "/ws/src/lib.rs"), ""));
  // Both names of a rename must be writable.
  EXPECT_FALSE(floor.Decide(Request(Op::kRename, "/ws/target/debug/deps/a",
                                    "/ws/src/a"), ""));
  EXPECT_TRUE(floor.Decide(Request(Op::kConnect, "tcp:127.0.0.1:4226"), ""));
  EXPECT_FALSE(floor.Decide(Request(Op::kConnect, "tcp:127.0.0.1:80"), ""));
  EXPECT_FALSE(floor.Decide(Request(Op::kConnect, "udp:10.0.0.1:53"), ""));
  EXPECT_TRUE(floor.Decide(Request(Op::kConnect, "unix:/nonexistent/nscd"), ""));
  EXPECT_FALSE(floor.Decide(Request(Op::kSocket, "family:16"), ""));
}

TEST(FloorSupervision, OnlyCallsWhereMoreThanRustcIsAtWork) {
  CompileSite site;
  EXPECT_FALSE(NeedsSupervisor(site));
  site.loads_proc_macro = true;
  EXPECT_TRUE(NeedsSupervisor(site));
  site = CompileSite{};
  site.shaped_by_build_script = true;
  EXPECT_TRUE(NeedsSupervisor(site));
}

TEST(FloorSupervision, BeyondFloorKeepsDenialsAndUnderLearnWhatTheFloorLacks) {
  LandlockPlan plan = BaseFloor(Policy{}, Vars(), 6);
  Event secret = Request(Op::kRead, "/home/u/.ssh/id_ed25519");
  Event source = Request(Op::kRead, "/ws/src/lib.rs");
  Event pipe = Request(Op::kWrite, "pipe:");
  Event probe = Request(Op::kRead, "/home/u/.config/absent");
  probe.error = ENOENT;
  EXPECT_EQ(BeyondFloor({secret, source, pipe, probe}, plan, false).size(), 1u);
  secret.allowed = false;
  std::vector<Event> enforce = BeyondFloor({secret, source, pipe}, plan, true);
  ASSERT_EQ(enforce.size(), 1u);
  EXPECT_EQ(enforce[0].target, "/home/u/.ssh/id_ed25519");
}

}  // namespace
}  // namespace warden
