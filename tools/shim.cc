// warden-shim: runs one build script under warden's supervisor.
//
// The shim script that cargo-warden put in front of a build script execs
//   warden-shim REAL_BINARY ARGS…
// with cargo's build-script environment plus WARDEN_* (tools/protocol.h).
// warden-shim compiles the package's policy, confines and supervises the
// script, stores what it did in the database, and exits with its status.
#include <nettle/sha2.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "db/store.h"
#include "learner/observe.h"
#include "policy/contained.h"
#include "policy/decider.h"
#include "policy/directives.h"
#include "policy/environment.h"
#include "policy/matcher.h"
#include "policy/override.h"
#include "policy/sandbox_plan.h"
#include "tools/cargo_files.h"
#include "tools/context.h"
#include "tools/exit.h"
#include "tools/protocol.h"
#include "tracer/landlock.h"
#include "tracer/supervisor.h"
#include "tracer/unique_fd.h"

namespace warden {
namespace {

// Sha256File hashes the build-script binary (nettle: no library
// initialisation, a few KiB of memory, unlike OpenSSL 3's EVP layer).
std::string Sha256File(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return "";
  sha256_ctx ctx;
  sha256_init(&ctx);
  uint8_t buf[1 << 16];
  ssize_t n;
  while ((n = read(fd.get(), buf, sizeof buf)) > 0)
    sha256_update(&ctx, static_cast<size_t>(n), buf);
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_digest(&ctx, sizeof digest, digest);
  std::string hex;
  for (uint8_t byte : digest) absl::StrAppend(&hex, absl::Hex(byte, absl::kZeroPad2));
  return hex;
}

// InheritedFiles lists, as denied reads, the files and directories this
// process inherited open (beyond stdio and `keep`) that `decider` refuses as
// reads. The supervisor closes every such descriptor before
// the build script starts; a secret left open by a parent is reported, not
// just withheld. Pipes, sockets, terminals and write-only descriptors (GNU
// time's -o file), which cannot leak what a file holds, are only closed.
std::vector<Event> InheritedFiles(const std::vector<int>& keep,
                                  Decider& decider) {
  std::vector<Event> denied;
  std::error_code ec;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &fd) || fd < 3 ||
        std::find(keep.begin(), keep.end(), fd) != keep.end())
      continue;
    int flags = fcntl(fd, F_GETFD);
    int mode = fcntl(fd, F_GETFL);
    struct stat st;
    if (flags < 0 || (flags & FD_CLOEXEC) || mode < 0 ||
        (mode & O_ACCMODE) == O_WRONLY || fstat(fd, &st) != 0 ||
        !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
      continue;
    std::string path = std::filesystem::read_symlink(entry.path(), ec).string();
    if (ec || path.empty() || path[0] != '/') continue;
    Event e;
    e.op = Op::kRead;
    e.target = path;
    if (decider.Decide(e, path)) continue;
    e.detail = absl::StrCat("inherited open as fd ", fd, "; closed");
    e.allowed = false;
    denied.push_back(std::move(e));
  }
  return denied;
}

// AwaitResolution returns once cargo has confirmed the workspace the build
// started with (cargo-warden checks it while cargo builds). That is nearly
// always done before the first build script runs; if not, wait.
absl::Status AwaitResolution(Store& store, int64_t run_id) {
  constexpr auto kPoll = std::chrono::milliseconds(5);
  constexpr auto kPatience = std::chrono::minutes(10);
  const auto deadline = std::chrono::steady_clock::now() + kPatience;
  for (;;) {
    absl::StatusOr<std::optional<RunRecord>> run = store.GetRun(run_id);
    if (!run.ok()) return run.status();
    if (!run->has_value())
      return absl::NotFoundError(absl::StrCat("no run ", run_id, " in the database"));
    if ((*run)->resolution == ResolutionState::kRecorded) return absl::OkStatus();
    if ((*run)->resolution == ResolutionState::kFailed)
      return absl::FailedPreconditionError(
          "cargo-warden could not confirm the workspace (see its message)");
    if (std::chrono::steady_clock::now() > deadline)
      return absl::DeadlineExceededError(
          "cargo-warden has not confirmed the workspace after 10 minutes (is "
          "it still running?)");
    std::this_thread::sleep_for(kPoll);
  }
}

// DirectiveFilter stands between the build script's stdout and cargo's: it
// reads the script's output through a pipe and forwards, line by line as
// they come, only what DecideLine lets through, so cargo never acts on a
// directive the policy does not grant. What it drops becomes a denied
// kDirective event (target "KEY=VALUE", detail the `directives:` entry that
// would allow it).
class DirectiveFilter {
 public:
  DirectiveFilter(const PackagePolicy& policy, bool enforce)
      : policy_(policy), enforce_(enforce) {}

  // Start puts a pipe in place of this process's stdout (which the build
  // script inherits) and starts forwarding to the real stdout.
  absl::Status Start() {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
      return absl::InternalError(absl::StrCat("pipe: ", strerror(errno)));
    UniqueFd read_end(fds[0]), write_end(fds[1]);
    cargo_out_ = UniqueFd(fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3));
    if (!cargo_out_.valid() || dup2(write_end.get(), STDOUT_FILENO) < 0)
      return absl::InternalError(absl::StrCat("stdout: ", strerror(errno)));
    forwarder_ = std::thread([this, fd = std::move(read_end)] { Forward(fd.get()); });
    return absl::OkStatus();
  }

  // Finish gives stdout back, waits until the tree's last writer is gone and
  // returns the dropped directives.
  std::vector<Event> Finish() {
    if (cargo_out_.valid()) dup2(cargo_out_.get(), STDOUT_FILENO);
    if (forwarder_.joinable()) forwarder_.join();
    return std::move(dropped_);
  }

 private:
  void Forward(int fd) {
    std::string pending;
    char buf[1 << 16];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
      if (n < 0) {
        if (errno == EINTR) continue;
        break;
      }
      pending.append(buf, static_cast<size_t>(n));
      size_t start = 0, newline;
      while ((newline = pending.find('\n', start)) != std::string::npos) {
        Line(std::string_view(pending).substr(start, newline - start), true);
        start = newline + 1;
      }
      pending.erase(0, start);
    }
    if (!pending.empty()) Line(pending, false);
  }

  void Line(std::string_view line, bool newline) {
    LineDecision decision = DecideLine(policy_, line, enforce_);
    if (decision.forward) {
      WriteAll(line);
      if (newline) WriteAll("\n");
      return;
    }
    Event e;
    e.op = Op::kDirective;
    e.allowed = false;
    if (decision.directive)
      e.target = decision.directive->key + "=" + decision.directive->value;
    else
      e.target = std::string(line);
    e.detail = decision.verdict.rule;
    dropped_.push_back(std::move(e));
  }

  void WriteAll(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = write(cargo_out_.get(), data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // cargo went away
      data.remove_prefix(static_cast<size_t>(n));
    }
  }

  const PackagePolicy& policy_;
  const bool enforce_;
  UniqueFd cargo_out_;
  std::thread forwarder_;
  std::vector<Event> dropped_;
};

// ScriptVars are the path variables of the build script cargo started.
PathVars ScriptVars() {
  // cargo hands build scripts the rustc it runs.
  std::string sysroot = SysrootOf(GetEnv("RUSTC"));
  if (sysroot.empty()) sysroot = RustSysroot();
  PathVars vars = MachineVars(sysroot);
  vars.out_dir = GetEnv("OUT_DIR");
  vars.manifest_dir = GetEnv("CARGO_MANIFEST_DIR");
  vars.target_dir = GetEnv(kEnvTargetDir);
  vars.workspace_root = GetEnv(kEnvWorkspace);
  return vars;
}

// CompileFor compiles the package's policy: under enforce warden.yaml with
// its override; learn decides directives against the baseline alone, so it
// drops only what no policy may grant.
absl::StatusOr<std::unique_ptr<PackagePolicy>> CompileFor(
    const PackageId& id, const PathVars& vars, bool enforce) {
  absl::StatusOr<Policy> loaded =
      enforce ? LoadPolicyWithOverride(GetEnv(kEnvPolicy)) : Policy{};
  if (!loaded.ok()) return loaded.status();
  return CompilePackagePolicy(*loaded, id, vars);
}

// GrantedFor compiles what the existing policy file (with its override)
// grants the package, for contained learn: what a maintainer reviewed passes
// the fence. No file: the baseline alone.
absl::StatusOr<std::unique_ptr<PackagePolicy>> GrantedFor(const PackageId& id,
                                                          const PathVars& vars) {
  const std::string path = GetEnv(kEnvPolicyFile);
  std::error_code ec;
  absl::StatusOr<Policy> loaded = std::filesystem::exists(path, ec)
                                      ? LoadPolicyWithOverride(path)
                                      : Policy{};
  if (!loaded.ok()) return loaded.status();
  return CompilePackagePolicy(*loaded, id, vars);
}

// StartRecord is the database record of this invocation, as it starts.
InvocationRecord StartRecord(int64_t run_id, const PackageId& id,
                             const PathVars& vars) {
  InvocationRecord inv;
  inv.run_id = run_id;
  inv.package = id.name;
  inv.version = id.version;
  inv.source = id.source;
  inv.sysroot = vars.sysroot;
  inv.manifest_dir = vars.manifest_dir;
  inv.out_dir = vars.out_dir;
  inv.paths = RecordPaths(vars);
  inv.started_ms = NowMs();
  return inv;
}

int Fail(const PackageId& id, const std::string& message) {
  fprintf(stderr, "warden: %s %s: %s\n", id.name.c_str(), id.version.c_str(),
          message.c_str());
  return kExitEnvironment;
}

// BuildScriptSpec is how the build script `argv[1]` runs: under `policy`
// (enforce), or learning when it is null, `contained` or not.
SandboxSpec BuildScriptSpec(int argc, char** argv, const PackagePolicy* policy,
                            const PathVars& vars, bool contained) {
  SandboxSpec spec;
  spec.program = argv[1];
  spec.argv.assign(argv + 1, argv + argc);
  spec.env = BuildScriptEnvironment(policy, CurrentEnvironment(),
                                    {GetEnv(kEnvInnerWrapper), GetEnv(kEnvRustdoc)});
  spec.build_output_dirs = {vars.target_dir};
  const int abi = LandlockAbi();
  spec.landlock = BuildScriptPlan(policy, spec.program, abi);
  // Where the kernel can be held to the policy's reads exactly, it checks
  // them itself and the supervisor skips the fd hand-over.
  if (policy != nullptr && !contained) {
    if (std::optional<LandlockPlan> exact =
            ExactBuildScriptPlan(*policy, spec.program, vars.path_dirs, abi)) {
      spec.landlock = std::move(*exact);
      spec.kernel_rechecks_reads = true;
    }
  }
  // Learn lets the kernel check what the tree writes into OUT_DIR and the
  // temporary directory (the C compiler's assembly goes there).
  if (policy == nullptr && !contained)
    ConfineLearnWrites(spec.landlock, {GetEnv("OUT_DIR"), vars.tmp},
                       WardenFiles(GetEnv(kEnvDb), GetEnv(kEnvPolicyFile)), abi);
  spec.enforce = policy != nullptr;
  spec.decider_confines = contained;
  spec.keep_fds = JobserverFds(GetEnv("CARGO_MAKEFLAGS"));
  spec.encoded_filter = GetEnv(kEnvFilter);
  return spec;
}

// DeciderFor answers the supervisor in `mode`: from `policy` under enforce,
// with the fence and what `policy` grants on top under contained learn.
std::unique_ptr<Decider> DeciderFor(Mode mode, const PackagePolicy* policy,
                                    const PathVars& vars) {
  std::vector<std::string> files =
      WardenFiles(GetEnv(kEnvDb), GetEnv(kEnvPolicyFile));
  switch (mode) {
    case Mode::kEnforce:
      return std::make_unique<PolicyDecider>(*policy);
    case Mode::kContainedLearn:
      return std::make_unique<ContainedLearnDecider>(vars, std::move(files),
                                                     policy);
    case Mode::kLearn:
      break;
  }
  return std::make_unique<LearnDecider>(std::move(files));
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr,
            "warden-shim: runs a build script under warden's supervisor; "
            "started by the shim scripts cargo-warden installs, not by hand\n");
    return kExitUsage;
  }
  const std::string program = argv[1];
  PackageId id{GetEnv("CARGO_PKG_NAME"), GetEnv("CARGO_PKG_VERSION"), ""};
  const std::optional<Mode> mode = ParseMode(GetEnv(kEnvMode));
  if (!mode)
    return Fail(id, absl::StrCat("WARDEN_MODE is '", GetEnv(kEnvMode),
                                 "', expected learn, learn-contained or enforce"));
  const bool enforce = *mode == Mode::kEnforce;
  const bool contained = *mode == Mode::kContainedLearn;
  int64_t run_id = 0;
  if (!absl::SimpleAtoi(GetEnv(kEnvRunId), &run_id))
    return Fail(id, "WARDEN_RUN_ID is missing");

  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::Open(GetEnv(kEnvDb), Store::OnClose::kLeaveWal);
  if (!store.ok()) return Fail(id, std::string(store.status().message()));

  if (absl::Status s = AwaitResolution(**store, run_id); !s.ok())
    return Fail(id, std::string(s.message()));
  const PathVars vars = ScriptVars();
  // cargo has written Cargo.lock before it runs any build script.
  absl::StatusOr<std::string> source =
      LockedSource(vars.workspace_root + "/Cargo.lock", id.name, id.version);
  if (!source.ok()) return Fail(id, std::string(source.status().message()));
  id.source = *source;

  absl::StatusOr<std::unique_ptr<PackagePolicy>> compiled =
      CompileFor(id, vars, enforce);
  if (!compiled.ok()) return Fail(id, std::string(compiled.status().message()));
  std::unique_ptr<PackagePolicy> policy;
  if (enforce) policy = std::move(*compiled);
  std::unique_ptr<PackagePolicy> granted;
  if (contained) {
    absl::StatusOr<std::unique_ptr<PackagePolicy>> g = GrantedFor(id, vars);
    if (!g.ok()) return Fail(id, std::string(g.status().message()));
    granted = std::move(*g);
  }

  SandboxSpec spec = BuildScriptSpec(argc, argv, policy.get(), vars, contained);
  std::unique_ptr<Decider> decider =
      DeciderFor(*mode, enforce ? policy.get() : granted.get(), vars);
  // Before anything of ours is open without O_CLOEXEC.
  std::vector<Event> inherited;
  if (enforce || contained) inherited = InheritedFiles(spec.keep_fds, *decider);

  InvocationRecord inv = StartRecord(run_id, id, vars);
  // Hashing a multi-MiB binary takes milliseconds: overlap it with the run.
  std::future<std::string> sha256 =
      std::async(std::launch::async, Sha256File, program);

  EventLog log;
  DirectiveFilter directives(policy ? *policy : **compiled, enforce);
  if (GetEnv(kEnvLayers) != "build-scripts")
    if (absl::Status s = directives.Start(); !s.ok())
      return Fail(id, std::string(s.message()));
  absl::StatusOr<RunResult> result = RunSupervised(spec, *decider, log);
  for (const Event& e : directives.Finish()) log.Add(e);
  for (const Event& e : inherited) log.Add(e);
  if (!result.ok()) return Fail(id, std::string(result.status().message()));

  inv.binary_sha256 = sha256.get();
  inv.ended_ms = NowMs();
  inv.exit_status = result->exit_status;
  inv.notifications = result->notifications;
  inv.peak_rss_kb = result->peak_rss_kb;
  inv.costs = result->costs;
  absl::StatusOr<int64_t> stored = (*store)->AddInvocation(inv, log.Events());
  if (!stored.ok())
    return Fail(id, absl::StrCat("cannot record events: ",
                                 stored.status().message()));
  return result->exit_status;
}

}  // namespace
}  // namespace warden

int main(int argc, char** argv) { return warden::Main(argc, argv); }
