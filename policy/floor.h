// The floor: what every program cargo runs during an enforce build may do,
// whatever a build script printed or planted: rustc and the proc macros
// inside it, the C compiler driver and the linker it runs, test binaries and
// anything they start (a nested cargo included). It is a Landlock plan,
// inherited and irrevocable, with no per-call cost; build scripts keep their
// finer per-package supervisor rules on top.
//
//   LandlockPlan plan = BaseFloor(policy, vars);   // once per run
//   AddCompileSite(plan, site);                    // per rustc call, or
//   AddRunSite(plan, target_dir);                  // per test binary
//   ApplyLandlock(plan);                           // then exec
//
// The floor reads the system, the toolchain, the package sources cargo
// resolved, the workspace and the target dir; writes only the outputs of the
// program at hand and temporaries; executes the system's and the toolchain's
// programs (test binaries also what the build produced); no TCP. Nothing else
// under $HOME. The policy's `compile:` section grants more.
#ifndef WARDEN_POLICY_FLOOR_H_
#define WARDEN_POLICY_FLOOR_H_

#include <string>
#include <vector>

#include "policy/matcher.h"
#include "policy/policy.h"
#include "tracer/landlock.h"
#include "tracer/supervisor.h"

namespace warden {

// The system's programs and libraries, which the floor reads and executes
// (and contained learn lets build scripts execute, policy/contained.h).
inline constexpr const char* kSystemProgramDirs[] = {
    "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt",
};
// Harmless sinks every tool opens for writing.
inline constexpr const char* kSinkDevices[] = {"/dev/null", "/dev/zero",
                                               "/dev/full"};

// BaseFloor is the part of the floor common to every program of one run:
// system (what any user may read of /etc, /dev, /proc and /sys; no other
// process's /proc/<pid>), toolchain ({rustup_home}, {cargo_home}/bin, $PATH), package
// sources ({cargo_home}/registry and git), the workspace, the target dir
// (read only), /dev/null, the policy's `compile:` grants, and (with
// `landlock_abi` >= 4 / 6) no TCP beyond those grants and scoped signals.
LandlockPlan BaseFloor(const Policy& policy, const PathVars& vars,
                       int landlock_abi);

// CompileSite is one rustc invocation as its wrapper sees it.
struct CompileSite {
  std::string sysroot;       // of the rustc that runs: read and execute
  std::string manifest_dir;  // the package's sources: read
  // What it writes: --out-dir, the incremental dir, its private temporaries.
  std::vector<std::string> outputs;
  // What it writes and runs: rustdoc --test builds doctests in its
  // temporaries and runs them.
  std::vector<std::string> runs;
  // What runs or steers the call beyond rustc's own code.
  bool loads_proc_macro = false;        // --extern of a proc macro (a .so)
  bool runs_doctests = false;           // rustdoc --test
  bool shaped_by_build_script = false;  // OUT_DIR set: generated code, links
};

// NeedsSupervisor says whether enforce puts the call under the supervisor,
// which reports what the floor refuses: when foreign code runs in it (a proc
// macro, doctests), which could swallow the refusal, or a build script
// shaped it. In any other call only the crate's own sources and the
// toolchain are at work, a refusal stops rustc or the linker with an error,
// and the floor alone holds it without the supervisor's cost.
bool NeedsSupervisor(const CompileSite& site);

// BeyondFloor picks from a supervised compile's events what `plan` does not
// grant: what was denied, and under learn (`enforce` false) what succeeded
// beyond it, for the proposal's `compile:` section.
std::vector<Event> BeyondFloor(const std::vector<Event>& events,
                               const LandlockPlan& plan, bool enforce);

// AddCompileSite adds one rustc invocation's sources, outputs and its own
// /proc/self (resolved when the plan is applied, so call it from the process
// that execs rustc).
void AddCompileSite(LandlockPlan& plan, const CompileSite& site);

// AddRunSite lets a test binary (or `cargo run`) execute what the build
// produced and write into the target dir, except warden's own directory
// there (the database): every entry of `target_dir` but "warden" as it is
// when the program starts, plus "tests" (created if missing: trybuild and
// other harnesses build scratch projects there), and `tmp`.
void AddRunSite(LandlockPlan& plan, const std::string& target_dir,
                const std::string& tmp);

// FloorDecider answers the supervisor around rustc (and the proc macros,
// compiler driver and linker it runs) with exactly what `plan` lets the
// kernel do, so SandboxSpec::kernel_rechecks_opens holds: what it allows
// Landlock allows too, and what it refuses is what Landlock would refuse,
// reported instead of failing unseen inside a proc macro that swallows the
// error. Beyond Landlock's reach it refuses every socket but TCP to the
// plan's ports and unix sockets that do not exist (whose connect fails).
class FloorDecider : public Decider {
 public:
  explicit FloorDecider(const LandlockPlan& plan) : plan_(plan) {}
  bool Decide(const Event& event, std::string_view requested) override;

 private:
  const LandlockPlan& plan_;
};

// AddCompilerCache keeps sccache working as the user's RUSTC_WRAPPER
// (`wrapper`): its client, inside the floor, may reach its server's port,
// `configured_port` ($SCCACHE_SERVER_PORT) when that is a port, else 4226.
// Returns whether `wrapper` is sccache, i.e. whether its server must be
// started outside the floor.
bool AddCompilerCache(LandlockPlan& plan, const std::string& wrapper,
                      const std::string& configured_port);

}  // namespace warden

#endif  // WARDEN_POLICY_FLOOR_H_
