// warden-rustc: cargo's RUSTC_WRAPPER under cargo-warden, and (as
// warden-rustdoc, the same program) its RUSTDOC.
//
// cargo runs `warden-rustc RUSTC ARGS…` and `warden-rustdoc ARGS…`. Under
// enforce every call runs inside the floor (policy/floor.h): rustc, the C
// compiler driver and the linker may read the system, the toolchain, the
// package sources, the workspace and the target dir, and write only their
// own outputs. A call that loads a proc macro, runs doctests or compiles a
// crate with a build script also runs under warden's supervisor, which
// reports what the floor refuses, so a proc macro that swallows the error
// still fails the run (NeedsSupervisor in policy/floor.h). Under learn every call runs
// unconfined under the supervisor, and what it did beyond the floor is
// noted for the proposal's `compile:` section. When rustc links a build
// script, the result gets warden's shim in front of it before cargo can run
// it. Configuration comes only from WARDEN_* variables, which no build
// script can set.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "policy/decider.h"
#include "policy/environment.h"
#include "policy/floor.h"
#include "policy/sandbox_plan.h"
#include "tools/cargo.h"
#include "tools/context.h"
#include "tools/exit.h"
#include "tools/floor_env.h"
#include "tools/protocol.h"
#include "tools/shim_install.h"

namespace warden {
namespace {

// RustcCall is what warden-rustc needs from rustc's arguments.
struct RustcCall {
  std::string crate;
  std::string out_dir;
  std::string extra_filename;
  std::string incremental;
  bool is_bin = false;
  CompileSite site;  // what the floor and the supervisor need to know

  // BuildScript is the binary rustc links when it compiles a build script,
  // "" for any other invocation.
  std::string BuildScript() const {
    if (crate.rfind("build_script_", 0) != 0 || !is_bin || out_dir.empty())
      return "";
    return out_dir + "/" + crate + extra_filename;
  }
};

RustcCall ParseRustcCall(int argc, char** argv) {
  RustcCall call;
  call.site.shaped_by_build_script = !GetEnv("OUT_DIR").empty();
  for (int i = 1; i + 1 < argc; ++i) {
    std::string a = argv[i], next = argv[i + 1];
    if (a == "--crate-name") call.crate = next;
    if (a == "--out-dir" || a == "-o") call.out_dir = next;
    if (a == "--test") call.site.runs_doctests = true;
    if (a == "--extern" && next.size() > 3 &&
        next.compare(next.size() - 3, 3, ".so") == 0)
      call.site.loads_proc_macro = true;
    if (a == "--crate-type" && next == "bin") call.is_bin = true;
    if (a == "-C" && next.rfind("extra-filename=", 0) == 0)
      call.extra_filename = next.substr(strlen("extra-filename="));
    if (a == "-C" && next.rfind("incremental=", 0) == 0)
      call.incremental = next.substr(strlen("incremental="));
  }
  return call;
}

int Fail(const std::string& message) {
  fprintf(stderr, "warden-rustc: %s\n", message.c_str());
  return kExitEnvironment;
}

// Floor is the floor for `call`, with its temporaries in warden's private
// directory.
absl::StatusOr<LandlockPlan> Floor(const RustcCall& call,
                                   const std::string& rustc, std::string& tmp) {
  absl::StatusOr<LandlockPlan> plan = FloorFromEnvironment();
  if (!plan.ok()) return plan.status();
  absl::StatusOr<std::string> private_tmp =
      PrivateTmp(GetEnv(kEnvTargetDir), call.site.runs_doctests);
  if (!private_tmp.ok()) return private_tmp.status();
  tmp = *private_tmp;
  CompileSite site = call.site;
  site.sysroot = SysrootOf(rustc);
  site.manifest_dir = GetEnv("CARGO_MANIFEST_DIR");
  site.outputs = {call.out_dir, call.incremental};
  (site.runs_doctests ? site.runs : site.outputs).push_back(tmp);
  AddCompileSite(*plan, site);
  return plan;
}

// ProgramPath finds `name` as execvp would, in $PATH's absolute entries.
std::string ProgramPath(const std::string& name) {
  if (name.find('/') != std::string::npos)
    return std::filesystem::absolute(name).lexically_normal().string();
  for (const std::string& dir : MachineVars("").path_dirs) {
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return ProgramPath(candidate);
  }
  return name;
}

// CompilerEnvironment is what rustc and what it runs see under enforce: no
// credentials, and temporaries in warden's directory.
std::vector<std::string> CompilerEnvironment(const std::string& tmp) {
  std::vector<std::string> env;
  for (const std::string& entry : WithoutCredentials(CurrentEnvironment()))
    if (entry.rfind("TMPDIR=", 0) != 0) env.push_back(entry);
  env.push_back("TMPDIR=" + tmp);
  return env;
}

// EnterCallFloor puts this process inside the floor of a call that runs no
// foreign code (no supervisor) and returns the environment rustc runs with.
absl::StatusOr<std::vector<std::string>> EnterCallFloor(const RustcCall& call,
                                                        const std::string& rustc) {
  std::string tmp;
  absl::StatusOr<LandlockPlan> floor = Floor(call, rustc, tmp);
  if (!floor.ok()) return floor.status();
  if (absl::Status s = EnterFloor(*floor); !s.ok()) return s;
  return CompilerEnvironment(tmp);
}

// RunInFloor runs a call that runs no foreign code inside the floor, with
// no supervisor: this process enters it first.
absl::StatusOr<int> RunInFloor(const RustcCall& call, const std::string& rustc,
                               const std::vector<std::string>& command) {
  absl::StatusOr<std::vector<std::string>> env = EnterCallFloor(call, rustc);
  if (!env.ok()) return env.status();
  return RunCommand(command, *env);
}

// Exec runs `command` in this process's place; it returns only on failure.
int Exec(std::vector<std::string> command, std::vector<std::string> env) {
  std::vector<char*> args, envp;
  for (std::string& a : command) args.push_back(a.data());
  args.push_back(nullptr);
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  execvpe(args[0], args.data(), envp.data());
  return Fail(absl::StrCat("cannot run ", args[0], ": ", strerror(errno)));
}

// Compile runs the rustc call under the supervisor and returns its status.
absl::StatusOr<int> Compile(const RustcCall& call, const std::string& rustc,
                            const std::vector<std::string>& command,
                            bool enforce) {
  std::string tmp;
  absl::StatusOr<LandlockPlan> floor = Floor(call, rustc, tmp);
  if (!floor.ok()) return floor.status();
  SandboxSpec spec;
  spec.program = ProgramPath(command[0]);
  spec.argv = command;
  spec.enforce = enforce;
  spec.keep_fds = JobserverFds(GetEnv("CARGO_MAKEFLAGS"));
  spec.landlock.scope = LandlockAbi() >= 6;
  spec.encoded_filter = GetEnv(kEnvFilter);
  spec.env = enforce ? CompilerEnvironment(tmp) : CurrentEnvironment();
  const std::string own_dir = GetEnv(kEnvTargetDir) + "/warden";
  std::unique_ptr<Decider> decider;
  if (enforce) {
    spec.landlock = *floor;
    // The floor is the decider's rule set: the kernel re-checks every open.
    spec.kernel_rechecks_opens = true;
    decider = std::make_unique<FloorDecider>(spec.landlock);
  } else {
    // All of warden's directory (the database, the findings), not only the
    // database a shim protects.
    std::vector<std::string> files =
        WardenFiles(own_dir + "/", GetEnv(kEnvPolicyFile));
    // The kernel checks what the call writes into its outputs and the
    // temporary directory (the linker's files).
    ConfineLearnWrites(spec.landlock,
                       {call.out_dir, call.incremental, MachineVars("").tmp},
                       files, LandlockAbi());
    decider = std::make_unique<LearnDecider>(std::move(files));
  }
  EventLog log;
  absl::StatusOr<RunResult> result = RunSupervised(spec, *decider, log);
  if (!result.ok()) return result.status();
  if (absl::Status s = AppendCompileFindings(
          CompileFindingsFile(GetEnv(kEnvTargetDir), GetEnv(kEnvRunId)),
          GetEnv("CARGO_PKG_NAME"), GetEnv("CARGO_PKG_VERSION"),
          BeyondFloor(log.Events(), *floor, enforce));
      !s.ok())
    return s;
  return result->exit_status;
}

int Main(int argc, char** argv) {
  const bool rustdoc =
      std::filesystem::path(argv[0]).filename() == "warden-rustdoc";
  if (argc < 2) {
    fprintf(stderr,
            "warden-rustc: cargo's RUSTC_WRAPPER and RUSTDOC under "
            "cargo-warden; not meant to be run by hand (usage: warden-rustc "
            "RUSTC ARGS..., warden-rustdoc ARGS...)\n");
    return kExitUsage;
  }
  // What runs: the user's wrapper (sccache …) and rustc, or the real rustdoc.
  std::vector<std::string> command;
  std::string tool = argv[1];
  if (rustdoc) {
    std::string real = GetEnv(kEnvRustdoc);
    tool = ProgramPath(real.empty() ? "rustdoc" : real);
    command.push_back(tool);
  } else if (std::string inner = GetEnv(kEnvInnerWrapper); !inner.empty()) {
    command.push_back(inner);
  }
  for (int i = 1; i < argc; ++i) command.push_back(argv[i]);

  const RustcCall call = ParseRustcCall(argc, argv);
  const std::optional<Mode> mode = ParseMode(GetEnv(kEnvMode));
  if (!mode)
    return Fail(absl::StrCat("WARDEN_MODE is '", GetEnv(kEnvMode),
                             "', expected learn, learn-contained or enforce"));
  // Contained learn fences in build scripts; rustc and its proc macros are
  // observed as under learn (the floor holds them under enforce).
  const bool enforce = *mode == Mode::kEnforce;
  const bool bare = GetEnv(kEnvLayers) == "build-scripts";
  if (call.crate.empty()) {
    // `rustc -vV`, `--print`: cargo's probes, nothing a build script shapes.
    std::string tmp;
    absl::StatusOr<LandlockPlan> floor = Floor(call, tool, tmp);
    absl::Status s = floor.status();
    if (s.ok() && enforce && !bare) s = EnterFloor(*floor);
    if (!s.ok()) return Fail(absl::StrCat("cannot enter warden's floor: ", s.message()));
    return Exec(command, CurrentEnvironment());
  }
  const std::string build_script = call.BuildScript();
  const bool in_floor = enforce && !bare && !NeedsSupervisor(call.site);
  // Nothing is left to do after a call that links no build script: rustc
  // takes this process's place (no fork, no wait).
  if (build_script.empty() && bare) return Exec(command, CurrentEnvironment());
  if (build_script.empty() && in_floor) {
    absl::StatusOr<std::vector<std::string>> env = EnterCallFloor(call, tool);
    if (!env.ok())
      return Fail(absl::StrCat("cannot run ", tool, " under warden: ",
                               env.status().message()));
    return Exec(command, *env);
  }
  // Learn supervises every call, to find what the floor would refuse.
  absl::StatusOr<int> status = bare ? RunCommand(command, CurrentEnvironment())
                               : in_floor ? RunInFloor(call, tool, command)
                                          : Compile(call, tool, command, enforce);
  if (!status.ok())
    return Fail(absl::StrCat("cannot run ", tool, " under warden: ",
                             status.status().message()));
  if (*status != 0 || build_script.empty()) return *status;
  if (absl::Status s = InstallShim(build_script); !s.ok())
    return Fail(absl::StrCat("cannot put warden's shim in front of ",
                             build_script, ": ", s.message()));
  return 0;
}

}  // namespace
}  // namespace warden

int main(int argc, char** argv) { return warden::Main(argc, argv); }
