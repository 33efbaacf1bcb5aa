// `cargo warden learn` and `cargo warden enforce`: run cargo with every build
// script under the supervisor, then propose a policy or report denials.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "db/store.h"
#include "learner/contained.h"
#include "learner/learner.h"
#include "learner/observe.h"
#include "policy/decider.h"
#include "policy/floor.h"
#include "policy/override.h"
#include "policy/pattern.h"
#include "policy/yaml.h"
#include "tools/atomic_write.h"
#include "tools/cargo.h"
#include "tools/cargo_files.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/compile_runs.h"
#include "tools/console.h"
#include "tools/contained_report.h"
#include "tools/context.h"
#include "tools/floor_env.h"
#include "tools/messages.h"
#include "tools/protocol.h"
#include "tools/report.h"
#include "tools/shim_install.h"
#include "tracer/filter.h"
#include "tracer/landlock.h"
#include "tracer/supervisor.h"

namespace warden {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

struct RunOptions {
  bool enforce = false;
  std::string manifest_path;
  std::string policy_path;
  std::string db_path;
  std::string format = "human";
  std::string message_format = "human";
  std::string colour;  // --color, "" when not given
  bool quiet = false;
  bool verbose = false;
  bool merge = false;
  bool contained = false;  // learn --contained (policy/contained.h)
  bool build_scripts_only = false;  // bench/run's baseline for the layers
  std::vector<std::string> cargo_args;
};

// ParseOptions returns false (after printing help or an error) when the
// command should stop with `exit_code`.
bool ParseOptions(const std::vector<std::string>& args, RunOptions& opts,
                  int& exit_code) {
  const char* name = opts.enforce ? "enforce" : "learn";
  po::options_description desc(absl::StrCat(
      "usage: cargo warden ", name, " [options] [-- CARGO_ARGS...]\n\n",
      opts.enforce
          ? "Build with every build script held to warden.yaml, and rustc,\n"
            "rustdoc, proc macros, the linker and tests held to warden's floor\n"
            "(and the policy's compile: section): what it grants proceeds,\n"
            "anything else fails with EACCES/EPERM and is reported.\n"
            "Exit status: 1 when anything was denied, 4 when the build failed\n"
            "with nothing denied, 2 usage or policy error, 3 environment, 0\n"
            "when all is well.\n"
          : "Build with every build script observed, record what each did in\n"
            "the database, and propose warden.yaml. An existing policy is not\n"
            "overwritten: the proposal goes to warden.proposed.yaml and what\n"
            "differs is printed (or use --merge).\n",
      "\noptions"));
  desc.add_options()
      ("help,h", "print this help")
      ("manifest-path", po::value(&opts.manifest_path),
       "Cargo.toml of the workspace (default: cargo's search from the cwd)")
      ("policy", po::value(&opts.policy_path),
       "policy file (default: warden.yaml at the workspace root)")
      ("db", po::value(&opts.db_path),
       "SQLite database (default: <target-dir>/warden/warden.db)")
      ("format", po::value(&opts.format),
       opts.enforce ? "report format: human, json or sarif (a SARIF 2.1.0 document "
                      "on stdout, the human report on stderr)"
                    : "report format: human or json")
      ("message-format", po::value(&opts.message_format),
       "human, or json: cargo-style JSON records on stdout (one line each, "
       "keyed by cargo's package_id: warden-build-script, warden-compile, "
       "warden-request, warden-finished; see README)")
      ("color", po::value(&opts.colour),
       "coloured status words: auto (default; CARGO_TERM_COLOR, else only on "
       "a tty), always or never; also passed to cargo")
      ("quiet,q", po::bool_switch(&opts.quiet),
       "print only warnings, errors and the denial report")
      ("verbose,v", po::bool_switch(&opts.verbose),
       "also print one line per build-script run");
  if (opts.enforce)
    desc.add_options()(
        "bench-build-scripts-only", po::bool_switch(&opts.build_scripts_only),
        "for bench/run only, never in CI: supervise the build scripts but "
        "leave out the floor under rustc, the linker and tests and the "
        "directive filter, to measure what they cost");
  if (!opts.enforce)
    desc.add_options()("merge",
                       po::bool_switch(&opts.merge),
                       "add what was learned to the existing policy in place")(
        "contained", po::bool_switch(&opts.contained),
        "refuse the build scripts network, reads under $HOME outside the "
        "build, writes outside it and programs outside the system and the "
        "toolchain (what the policy grants passes); the proposal grants what "
        "was refused, each rule marked `needs review:`");
  po::variables_map vm;
  if (!ParseCommandLine(args, name, desc, nullptr, vm, opts.cargo_args,
                        exit_code)) {
    if (vm.count("help"))
      std::cout << "\nexample:\n  cargo warden " << name
                << " --manifest-path ws/Cargo.toml -- build --offline\n";
    return false;
  }
  if (opts.format != "human" && opts.format != "json" &&
      (opts.format != "sarif" || !opts.enforce)) {
    std::cerr << "cargo-warden " << name << ": --format must be human or json"
              << (opts.enforce ? " or sarif" : "") << "\n";
    exit_code = kExitUsage;
    return false;
  }
  if (opts.message_format != "human" && opts.message_format != "json") {
    std::cerr << "cargo-warden " << name
              << ": --message-format must be human or json\n";
    exit_code = kExitUsage;
    return false;
  }
  if (opts.message_format == "json" && opts.format != "human") {
    std::cerr << "cargo-warden " << name << ": --message-format json and --format "
              << opts.format << " both write to stdout; choose one\n";
    exit_code = kExitUsage;
    return false;
  }
  if (opts.cargo_args.empty()) opts.cargo_args = {"build"};
  return true;
}

std::string SelfDir() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return self.parent_path().string();
}

int Environment(const std::string& message) {
  fprintf(stderr, "cargo-warden: %s\n", message.c_str());
  return kExitEnvironment;
}

// Preflight checks the kernel before anything is built.
int Preflight(bool enforce, const Console& console) {
  if (absl::Status s = KernelSupport(); !s.ok())
    return Environment(std::string(s.message()));
  int abi = LandlockAbi();
  if (enforce && abi < 1)
    return Environment(
        "enforce needs Landlock (Linux >= 5.13 with landlock in the lsm= boot "
        "list); it is the second wall behind the supervisor");
  if (abi < 6)
    console.Note(absl::StrCat("Landlock ABI ", abi, " < 6, signals are checked "
                              "by the supervisor instead of the kernel"));
  return kExitOk;
}

// WriteProposal implements learn's "never silently overwrite" rule.
int WriteProposal(const RunOptions& opts, const Console& console,
                  const Policy& proposed) {
  std::string text = SavePolicy(proposed);
  std::error_code ec;
  if (!fs::exists(opts.policy_path, ec)) {
    if (absl::Status s = WriteFileAtomically(opts.policy_path, text); !s.ok())
      return Environment(std::string(s.message()));
    console.Status("Wrote", absl::StrCat(opts.policy_path, " (",
                                         proposed.packages.size(), " packages)"));
    return kExitOk;
  }
  absl::StatusOr<Policy> existing = LoadPolicyFile(opts.policy_path);
  if (!existing.ok()) {
    fprintf(stderr, "cargo-warden: %s\n",
            std::string(existing.status().message()).c_str());
    return kExitUsage;
  }
  std::ifstream in(opts.policy_path);
  std::stringstream current;
  current << in.rdbuf();
  Policy target = opts.merge ? MergePolicies(*existing, proposed) : proposed;
  std::string target_text = SavePolicy(target);
  if (target_text == current.str()) {
    console.Status("Fresh", opts.policy_path + " is up to date");
    return kExitOk;
  }
  std::vector<PolicyChange> changes = DiffPolicies(*existing, target);
  std::string out_path =
      opts.merge ? opts.policy_path : ProposalPath(opts.policy_path);
  if (absl::Status s = WriteFileAtomically(out_path, target_text); !s.ok())
    return Environment(std::string(s.message()));
  console.Status(opts.merge ? "Merged" : "Proposed",
                 absl::StrCat(out_path, "; it differs from ", opts.policy_path, ":"));
  if (!console.quiet()) PrintChanges(changes, "human", opts.policy_path, stderr);
  if (!opts.merge)
    console.Note(absl::StrCat("review it, then: mv ", out_path, " ", opts.policy_path));
  return kExitOk;
}

// NoteUndeclared flags behaviour that a package's own
// [package.metadata.warden] table does not declare.
void NoteUndeclared(const std::vector<Observation>& observed,
                    const Policy& proposed, const Console& console) {
  std::vector<CargoPackage> packages;
  std::set<std::string> seen;
  for (const Observation& o : observed) {
    if (!seen.insert(o.vars.manifest_dir).second) continue;
    CargoPackage p{o.package, o.vars.manifest_dir, true, "", "", ""};
    absl::StatusOr<std::string> table =
        DeclaredTable(o.vars.manifest_dir + "/Cargo.toml");
    if (!table.ok()) {
      console.Warning(std::string(table.status().message()));
      continue;
    }
    p.declared_yaml = *table;
    packages.push_back(std::move(p));
  }
  absl::StatusOr<Policy> declared = DeclaredPolicy(packages);
  if (!declared.ok()) {
    console.Warning(std::string(declared.status().message()));
    return;
  }
  for (const PolicyChange& c : UndeclaredChanges(*declared, proposed))
    console.Note(absl::StrCat(c.package, "'s build script did what its "
                              "[package.metadata.warden] does not declare: ",
                              c.kind, " ", c.value));
}

// CheckPolicy makes sure enforce has a policy that loads, before building.
int CheckPolicy(const std::string& policy_path) {
  std::error_code ec;
  if (!fs::exists(policy_path, ec)) {
    fprintf(stderr,
            "cargo-warden: no policy at %s (hint: run `cargo warden learn` "
            "first, review the proposal, commit it; or pass --policy)\n",
            policy_path.c_str());
    return kExitUsage;
  }
  absl::StatusOr<Policy> policy = LoadPolicyWithOverride(policy_path);
  if (!policy.ok()) {
    fprintf(stderr, "cargo-warden: %s\n",
            std::string(policy.status().message()).c_str());
    return kExitUsage;
  }
  return kExitOk;
}

// FloorPolicy is the policy whose `compile:` grants widen the floor: the
// policy file when there is one that loads (learn tolerates none).
Policy FloorPolicy(const std::string& policy_path) {
  std::error_code ec;
  if (!fs::exists(policy_path, ec)) return Policy{};
  absl::StatusOr<Policy> policy = LoadPolicyWithOverride(policy_path);
  return policy.ok() ? *policy : Policy{};
}

// HostTriple is the target cargo builds for when no --target is given: the
// one warden itself runs on (it supervises only this ABI).
std::string HostTriple() {
#if defined(__x86_64__)
  return "x86_64-unknown-linux-gnu";
#elif defined(__aarch64__)
  return "aarch64-unknown-linux-gnu";
#else
#error "warden supports x86_64 and aarch64 Linux"
#endif
}

// RunnerVariables puts warden-run in front of every binary cargo runs
// (tests, benches, `cargo run`) for the host and each --target.
std::vector<std::string> RunnerVariables(const std::vector<std::string>& args,
                                         const std::string& runner) {
  std::vector<std::string> triples = {HostTriple()};
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == "--target" && i + 1 < args.size()) triples.push_back(args[i + 1]);
    if (args[i].rfind("--target=", 0) == 0) triples.push_back(args[i].substr(9));
  }
  std::vector<std::string> vars;
  for (std::string triple : triples) {
    for (char& c : triple) c = (c == '-' || c == '.') ? '_' : absl::ascii_toupper(c);
    vars.push_back(absl::StrCat("CARGO_TARGET_", triple, "_RUNNER=", runner));
  }
  return vars;
}

// AllowCompilerCache lets sccache's client in the floor reach its server,
// and starts the server here, outside the floor (the compiles it runs are
// not confined: README, threat model).
void AllowCompilerCache(const std::string& wrapper, LandlockPlan& floor) {
  if (AddCompilerCache(floor, wrapper, GetEnv("SCCACHE_SERVER_PORT")))
    (void)CaptureCommand({wrapper, "--start-server"});  // already running: fine
}

// Where the workspace is, and whether cargo still has to confirm it.
struct Located {
  WorkspaceDirs dirs;
  bool unconfirmed = false;
};

// LocateWorkspace finds the workspace root and target directory: without
// cargo where that is certain (FindWorkspaceDirs; Confirm has cargo confirm
// it while it builds), else with `cargo metadata --no-deps` (20-30 ms before
// the build can start).
absl::StatusOr<Located> LocateWorkspace(const RunOptions& opts) {
  if (std::optional<WorkspaceDirs> dirs =
          FindWorkspaceDirs(opts.manifest_path, opts.cargo_args))
    return Located{*dirs, true};
  absl::StatusOr<WorkspaceDirs> dirs =
      WorkspaceDirsFromCargo(opts.manifest_path, opts.cargo_args);
  if (!dirs.ok()) return dirs.status();
  return Located{*dirs, false};
}

absl::StatusOr<int64_t> StartRun(Store& store, const RunOptions& opts,
                                 const WorkspaceDirs& dirs) {
  RunRecord run;
  run.mode = opts.enforce ? "enforce" : "learn";
  run.workspace_root = dirs.root;
  run.policy_path = opts.policy_path;
  run.cargo_args = absl::StrJoin(opts.cargo_args, " ");
  run.started_ms = NowMs();
  return store.BeginRun(run);
}

// Confirm has `cargo metadata --no-deps` confirm, while cargo builds, the
// workspace cargo-warden found by itself, and records the outcome: build
// scripts wait for it in the database. If cargo disagrees, the run is marked
// failed, so waiting build scripts fail, and cargo is killed.
absl::Status Confirm(Store& store, int64_t run_id, const RunOptions& opts,
                     const WorkspaceDirs& found, pid_t cargo) {
  absl::StatusOr<WorkspaceDirs> dirs =
      WorkspaceDirsFromCargo(opts.manifest_path, opts.cargo_args);
  absl::Status status = dirs.status();
  if (dirs.ok() && (dirs->root != found.root || dirs->target_dir != found.target_dir))
    status = absl::InternalError(absl::StrCat(
        "cargo metadata puts the workspace at ", dirs->root, " (target ",
        dirs->target_dir, "), not at ", found.root, " (target ",
        found.target_dir,
        ") as cargo-warden's own lookup said; the build was stopped. This "
        "is a bug in warden: please report it with your cargo config"));
  if (status.ok()) status = store.Resolve(run_id);
  if (!status.ok()) {
    (void)store.FailResolution(run_id);
    kill(cargo, SIGKILL);
  }
  return status;
}

Mode RunMode(const RunOptions& opts) {
  if (opts.enforce) return Mode::kEnforce;
  return opts.contained ? Mode::kContainedLearn : Mode::kLearn;
}

// RunVars are the path variables common to the whole run (no package's).
PathVars RunVars(const WorkspaceDirs& dirs) {
  PathVars vars = MachineVars("");
  vars.target_dir = dirs.target_dir;
  vars.workspace_root = dirs.root;
  return vars;
}

// RunFilter is the supervisors' seccomp program for this kernel, encoded;
// "" if it cannot be built, and each supervisor then reports why.
std::string RunFilter() {
  FilterOptions options;
  options.signals_scoped = LandlockAbi() >= 6;
  absl::StatusOr<std::vector<sock_filter>> program = BuildFilter(options);
  return program.ok() ? EncodeFilter(options, *program) : "";
}

// Confinement is what confines every program of one run, encoded for the
// WARDEN_* protocol: the floor and the supervisors' seccomp program.
struct Confinement {
  std::string floor;
  std::string filter;
};

Confinement RunConfinement(const RunOptions& opts, const WorkspaceDirs& dirs) {
  LandlockPlan floor =
      BaseFloor(FloorPolicy(opts.policy_path), RunVars(dirs), LandlockAbi());
  AllowCompilerCache(GetEnv("RUSTC_WRAPPER"), floor);
  // rustdoc runs doctests through cargo's target runner, warden-run.
  floor.read_paths.push_back(SelfDir() + "/warden-run");
  return {EncodePlan(floor), RunFilter()};
}

// WardenEnvironment is what cargo runs with: warden-rustc as its
// RUSTC_WRAPPER (chaining the user's) and the WARDEN_* protocol for the shims.
std::vector<std::string> WardenEnvironment(const RunOptions& opts,
                                           const WorkspaceDirs& dirs,
                                           int64_t run_id,
                                           const Confinement& confinement) {
  std::string dir = SelfDir();
  std::vector<std::string> env = {
      absl::StrCat(kEnvFloor, "=", confinement.floor),
      absl::StrCat(kEnvFilter, "=", confinement.filter),
      absl::StrCat(kEnvMode, "=", ModeName(RunMode(opts))),
      absl::StrCat(kEnvDb, "=", opts.db_path),
      absl::StrCat(kEnvRunId, "=", run_id),
      absl::StrCat(kEnvPolicy, "=", opts.enforce ? opts.policy_path : ""),
      absl::StrCat(kEnvPolicyFile, "=", opts.policy_path),
      absl::StrCat(kEnvShim, "=", dir, "/warden-shim"),
      absl::StrCat(kEnvTargetDir, "=", dirs.target_dir),
      absl::StrCat(kEnvWorkspace, "=", dirs.root),
      absl::StrCat(kEnvInnerWrapper, "=", GetEnv("RUSTC_WRAPPER")),
      absl::StrCat("RUSTC_WRAPPER=", dir, "/warden-rustc"),
      absl::StrCat(kEnvRustdoc, "=", GetEnv("RUSTDOC")),
      absl::StrCat("RUSTDOC=", dir, "/warden-rustdoc"),
  };
  if (opts.build_scripts_only)
    env.push_back(absl::StrCat(kEnvLayers, "=build-scripts"));
  else if (opts.enforce)
    for (std::string& v : RunnerVariables(opts.cargo_args, dir + "/warden-run"))
      env.push_back(std::move(v));
  return env;
}

std::vector<std::string> CargoCommand(const RunOptions& opts) {
  std::vector<std::string> argv = {CargoProgram()};
  argv.insert(argv.end(), opts.cargo_args.begin(), opts.cargo_args.end());
  if (!opts.manifest_path.empty()) {
    // After the subcommand's own options, before any "--" for the binary.
    auto dashes = std::find(argv.begin(), argv.end(), "--");
    argv.insert(dashes, {"--manifest-path", opts.manifest_path});
  }
  return argv;
}

// ReportUnsupervised reports the build scripts that ran without warden's
// supervisor: the ones left unshimmed below the target dir after the build,
// i.e. compiled by a cargo that lost warden's environment (a test harness's
// nested cargo with a cleared environment). It shims them, so they cannot
// run so again.
int ReportUnsupervised(const WorkspaceDirs& dirs, const std::string& format) {
  absl::StatusOr<std::vector<std::string>> found =
      ShimBuildScriptsBelow(dirs.target_dir);
  if (!found.ok()) return Environment(std::string(found.status().message()));
  PrintUnsupervised(*found, format, format == "json" ? stdout : stderr);
  return found->empty() ? kExitOk : kExitFindings;
}

// CarryOver adds to `observed`, this run's, what earlier learn runs saw of
// the package versions in Cargo.lock whose build scripts cargo found fresh
// (they did not rerun), and says so.
absl::Status CarryOver(Store& store, int64_t run_id,
                       const std::vector<PackageId>& locked, const PathVars& vars,
                       const Console& console, std::vector<Observation>& observed) {
  absl::StatusOr<std::vector<Observation>> carried =
      CarriedObservations(store, run_id, locked, vars);
  if (!carried.ok()) return carried.status();
  std::set<std::string> entries;
  for (const Observation& o : *carried)
    entries.insert(absl::StrCat(o.package.name, " ", o.package.version));
  std::string text = absl::StrCat(
      observed.size(), " build script", observed.size() == 1 ? "" : "s", " ran; ",
      entries.size(), entries.size() == 1 ? " entry" : " entries",
      " carried over from earlier runs");
  if (!entries.empty())
    absl::StrAppend(&text, " (their build scripts were fresh: ",
                    absl::StrJoin(entries, ", "),
                    "); `cargo clean -p NAME` or touching build.rs makes one rerun");
  console.Status("Learned", text);
  for (Observation& o : *carried) observed.push_back(std::move(o));
  return absl::OkStatus();
}

// NoteOtherProcesses says which build scripts read other processes' /proc
// entries that enforce will refuse and no line can allow.
void NoteOtherProcesses(const std::vector<Observation>& observed,
                        const Console& console) {
  std::map<std::string, std::pair<uint64_t, std::string>> by_package;
  for (const Observation& o : observed)
    for (const Event& e : o.events)
      if (e.detail == kOtherProcess && !OtherProcessPattern(e.target)) {
        auto& [count, example] = by_package[o.package.name];
        count += 1;
        if (example.empty()) example = e.target;
      }
  for (const auto& [package, seen] : by_package)
    console.Note(absl::StrCat(
        package, "'s build script read ", seen.first, " entries of other "
        "processes' /proc (e.g. ", seen.second, "); no line can allow them: "
        "enforce answers them as if the process were not there (ENOENT)"));
}

// Reporting is what Conclude needs beside the run: where to talk, and the
// counts warden-finished sums up (--message-format json).
struct Reporting {
  const Console& console;
  MessageCounts counts;
};

// PrintMessages writes the --message-format json records of this run's
// `observed` requests, with cargo's package ids.
absl::Status PrintMessages(Store& store, const RunOptions& opts, int64_t run_id,
                           const std::vector<Observation>& observed,
                           Reporting& reporting) {
  absl::StatusOr<std::vector<InvocationRecord>> invocations =
      store.Invocations(run_id);
  if (!invocations.ok()) return invocations.status();
  absl::StatusOr<Workspace> ws =
      LoadWorkspace(opts.manifest_path, opts.cargo_args, Packages::kAll);
  if (!ws.ok())
    reporting.console.Warning(absl::StrCat(
        "package_id is null in the JSON records: ", ws.status().message()));
  const PackageIds ids(ws.ok() ? ws->packages : std::vector<CargoPackage>{});
  reporting.counts = PrintRunMessages(observed, *invocations, ids, !opts.enforce, stdout);
  return absl::OkStatus();
}

// ConcludeEnforce reports the denials of the build scripts (`observed`) and
// of the compilations, and returns the exit status.
int ConcludeEnforce(Store& store, const RunOptions& opts, const WorkspaceDirs& dirs,
                    int64_t run_id, int cargo_status,
                    std::vector<Observation>& observed, Reporting& reporting) {
  absl::StatusOr<std::vector<Observation>> compiled =
      CompileObservations(store, dirs, RunVars(dirs), run_id, /*locked=*/nullptr);
  if (!compiled.ok()) return Environment(std::string(compiled.status().message()));
  for (Observation& o : *compiled) observed.push_back(std::move(o));
  const bool json_messages = opts.message_format == "json";
  if (json_messages)
    if (absl::Status s = PrintMessages(store, opts, run_id, observed, reporting); !s.ok())
      return Environment(std::string(s.message()));
  // SARIF and JSON records take stdout; the human report then goes to stderr.
  const bool sarif = opts.format == "sarif";
  const bool human_to_stderr = sarif || json_messages;
  size_t denied = PrintDenials(observed, opts.policy_path, sarif ? "human" : opts.format,
                               human_to_stderr ? stderr : stdout,
                               reporting.console.colour());
  if (sarif) PrintDenialsSarif(observed, opts.policy_path, stdout);
  int unsupervised = ReportUnsupervised(dirs, json_messages ? "human" : opts.format);
  if (unsupervised == kExitEnvironment) return unsupervised;
  if (denied > 0 || unsupervised != kExitOk) return kExitFindings;
  if (cargo_status != 0) {
    reporting.console.Error(absl::StrCat(
        "cargo failed (exit ", cargo_status, "), with nothing denied by "
        "warden's supervisors; a `Permission denied` from rustc or the "
        "linker above is the floor's (review it, then grant it under "
        "`compile:`; `cargo warden learn` finds it)"));
    return kExitBuildFailed;
  }
  reporting.console.Status("Finished", "enforce: no request was denied");
  return kExitOk;
}

// ConcludeLearn proposes the policy from `observed`, what earlier runs saw
// of fresh build scripts, and the compilations, and returns the exit status.
int ConcludeLearn(Store& store, const RunOptions& opts, const WorkspaceDirs& dirs,
                  int64_t run_id, int cargo_status,
                  std::vector<Observation>& observed, Reporting& reporting) {
  const Console& console = reporting.console;
  const std::vector<std::string> warden_files =
      WardenFiles(opts.db_path, opts.policy_path);
  if (opts.contained) {
    const std::vector<ContainedDenial> denials =
        ContainedDenials(observed, warden_files);
    PrintContainedSummary(denials, stderr);
    if (cargo_status != 0) PrintContainedBlame(denials, stderr);
  }
  if (cargo_status != 0) {
    console.Error(absl::StrCat("cargo failed (exit ", cargo_status,
                               "); no policy proposed"));
    return kExitBuildFailed;
  }
  const PathVars vars = RunVars(dirs);
  absl::StatusOr<std::vector<PackageId>> locked =
      LockedPackages(dirs.root + "/Cargo.lock");
  if (!locked.ok()) return Environment(std::string(locked.status().message()));
  absl::StatusOr<std::vector<Observation>> compiled =
      CompileObservations(store, dirs, vars, run_id, &*locked);
  if (!compiled.ok()) return Environment(std::string(compiled.status().message()));
  if (opts.message_format == "json") {
    std::vector<Observation> all = observed;
    all.insert(all.end(), compiled->begin(), compiled->end());
    if (absl::Status s = PrintMessages(store, opts, run_id, all, reporting); !s.ok())
      return Environment(std::string(s.message()));
  }
  if (absl::Status s = CarryOver(store, run_id, *locked, vars, console, observed);
      !s.ok())
    return Environment(std::string(s.message()));
  NoteOtherProcesses(observed, console);
  Policy proposed =
      ProposeReviewed(observed, CompileReads(*compiled), vars, warden_files);
  NoteUndeclared(observed, proposed, console);
  return WriteProposal(opts, console, proposed);
}

// ResolvePaths settles the policy and database paths (defaults, absolute)
// and checks them before anything is built.
int ResolvePaths(RunOptions& opts, const WorkspaceDirs& dirs) {
  if (opts.policy_path.empty()) opts.policy_path = dirs.root + "/warden.yaml";
  if (opts.db_path.empty()) opts.db_path = dirs.target_dir + "/warden/warden.db";
  std::error_code ec;
  opts.policy_path = fs::weakly_canonical(fs::absolute(opts.policy_path, ec), ec).string();
  opts.db_path = fs::weakly_canonical(fs::absolute(opts.db_path, ec), ec).string();
  if (ec) return Environment(absl::StrCat("cannot resolve ", opts.policy_path,
                                          " or ", opts.db_path, ": ", ec.message()));
  if (opts.enforce) return CheckPolicy(opts.policy_path);
  // Learn writes the policy at the end: say now, not after the build, when
  // it cannot be written there.
  if (const fs::path dir = fs::path(opts.policy_path).parent_path();
      !fs::is_directory(dir, ec))
    return Environment(absl::StrCat("cannot write the policy to ", opts.policy_path,
                                    ": ", dir.string(), " is not a directory"));
  return kExitOk;
}

// PrintSupervised sums up what the supervisors recorded, and with -v each
// build-script run.
void PrintSupervised(const std::vector<Observation>& observed, int64_t run_id,
                     const std::string& db_path, const Console& console) {
  size_t events = 0;
  for (const Observation& o : observed) {
    events += o.events.size();
    console.Detail("Supervised",
                   absl::StrCat(o.package.name, " v", o.package.version, ": ",
                                o.events.size(), " distinct requests, ", DeniedCount(o),
                                " denied (out dir ", o.vars.out_dir, ")"));
  }
  console.Status("Supervised",
                 absl::StrCat(observed.size(), " build-script run",
                              observed.size() == 1 ? ", " : "s, ", events,
                              " distinct requests recorded (run ", run_id, " in ",
                              db_path, ")"));
}

// Supervise runs cargo with warden in front of every build script, then
// concludes; it returns the exit status.
int Supervise(RunOptions& opts, Reporting& reporting) {
  const Console& console = reporting.console;
  if (int rc = Preflight(opts.enforce, console); rc != kExitOk) return rc;
  absl::StatusOr<Located> located = LocateWorkspace(opts);
  if (!located.ok()) return Environment(std::string(located.status().message()));
  const WorkspaceDirs* dirs = &located->dirs;
  if (int rc = ResolvePaths(opts, *dirs); rc != kExitOk) return rc;
  // Walking /etc and /dev for the floor and compiling the filter take a few
  // milliseconds: done while the database opens and old build scripts are
  // shimmed.
  std::future<Confinement> confinement = std::async(
      std::launch::async, RunConfinement, std::cref(opts), std::cref(*dirs));

  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(opts.db_path);
  if (!store.ok()) return Environment(std::string(store.status().message()));
  absl::StatusOr<int64_t> run_id = StartRun(**store, opts, *dirs);
  if (!run_id.ok()) return Environment(std::string(run_id.status().message()));
  // Build scripts compiled by an earlier plain `cargo build` would run
  // unsupervised: put the shim in front of them first.
  absl::StatusOr<int> shimmed = ShimAllBuildScripts(dirs->target_dir);
  if (!shimmed.ok()) return Environment(std::string(shimmed.status().message()));
  if (!located->unconfirmed)
    if (absl::Status s = (*store)->Resolve(*run_id); !s.ok())
      return Environment(std::string(s.message()));

  // warden-run's floor lets test binaries write target/tests; created here,
  // so that one started by rustdoc (doctests, whose floor is narrower) need
  // not try.
  if (opts.enforce) {
    std::error_code ec;
    fs::create_directories(dirs->target_dir + "/tests", ec);
  }
  std::vector<std::string> argv = CargoCommand(opts);
  console.Status(opts.enforce ? "Enforcing" : "Learning",
                 absl::StrCat(absl::StrJoin(argv, " "),
                              opts.contained ? " (contained)" : ""));
  std::vector<std::string> env =
      WardenEnvironment(opts, *dirs, *run_id, confinement.get());
  // cargo's own colours follow warden's --color.
  if (!opts.colour.empty()) env.push_back("CARGO_TERM_COLOR=" + opts.colour);
  absl::StatusOr<pid_t> cargo = StartCommand(argv, env);
  if (!cargo.ok()) {
    (void)(*store)->FailResolution(*run_id);
    return Environment(std::string(cargo.status().message()));
  }
  // The store is Confirm's alone until confirmed.get().
  std::future<absl::Status> confirmed;
  if (located->unconfirmed)
    confirmed = std::async(std::launch::async, Confirm, std::ref(**store),
                           *run_id, std::cref(opts), std::cref(*dirs), *cargo);
  int cargo_status = WaitCommand(*cargo);
  if (confirmed.valid())
    if (absl::Status s = confirmed.get(); !s.ok())
      return Environment(std::string(s.message()));
  if (absl::Status s = RecordDirectives(**store, *run_id); !s.ok())
    return Environment(std::string(s.message()));
  (void)(*store)->EndRun(*run_id, cargo_status);

  absl::StatusOr<std::vector<Observation>> observed =
      Observations(**store, *run_id, RunVars(*dirs));
  if (!observed.ok()) return Environment(std::string(observed.status().message()));
  PrintSupervised(*observed, *run_id, opts.db_path, console);
  return opts.enforce ? ConcludeEnforce(**store, opts, *dirs, *run_id, cargo_status,
                                        *observed, reporting)
                      : ConcludeLearn(**store, opts, *dirs, *run_id, cargo_status,
                                      *observed, reporting);
}

int Run(RunOptions opts) {
  absl::StatusOr<Console> console = Console::ForStderr(
      opts.colour, opts.quiet     ? Verbosity::kQuiet
                   : opts.verbose ? Verbosity::kVerbose
                                  : Verbosity::kNormal);
  if (!console.ok()) {
    fprintf(stderr, "cargo-warden %s: --color: %s\n",
            opts.enforce ? "enforce" : "learn",
            std::string(console.status().message()).c_str());
    return kExitUsage;
  }
  Reporting reporting{*console, {}};
  int rc = Supervise(opts, reporting);
  if (opts.message_format == "json")
    PrintFinished(opts.enforce ? "enforce" : "learn", rc, reporting.counts, stdout);
  return rc;
}

}  // namespace

int RunLearn(const std::vector<std::string>& args) {
  RunOptions opts;
  int exit_code = kExitOk;
  if (!ParseOptions(args, opts, exit_code)) return exit_code;
  return Run(std::move(opts));
}

int RunEnforce(const std::vector<std::string>& args) {
  RunOptions opts;
  opts.enforce = true;
  int exit_code = kExitOk;
  if (!ParseOptions(args, opts, exit_code)) return exit_code;
  return Run(std::move(opts));
}

}  // namespace warden
