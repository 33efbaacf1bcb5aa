// warden-rustc: cargo's RUSTC_WRAPPER under cargo-warden.
//
// cargo runs `warden-rustc RUSTC ARGS…`. Under enforce, rustc (and the proc
// macros, C compiler driver and linker it runs) first enters the floor
// (policy/floor.h): it may read the system, the toolchain, the package
// sources, the workspace and the target dir, and write only its own outputs.
// Under learn it runs unconfined, and what it read outside the floor (from
// the dep-info file rustc writes) is noted for the proposal. When rustc links
// a build script, the result gets warden's shim in front of it before cargo
// can run it. Its configuration comes only from WARDEN_* variables, which no
// build script can set.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "policy/floor.h"
#include "tools/context.h"
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

  // BuildScript is the binary rustc links when it compiles a build script,
  // "" for any other invocation.
  std::string BuildScript() const {
    if (crate.rfind("build_script_", 0) != 0 || !is_bin || out_dir.empty())
      return "";
    return out_dir + "/" + crate + extra_filename;
  }
  // DepInfo is the dep-info file cargo has rustc write ("" if unknown).
  std::string DepInfo() const {
    if (out_dir.empty() || crate.empty()) return "";
    return out_dir + "/" + crate + extra_filename + ".d";
  }
};

RustcCall ParseRustcCall(int argc, char** argv) {
  RustcCall call;
  for (int i = 1; i + 1 < argc; ++i) {
    std::string a = argv[i], next = argv[i + 1];
    if (a == "--crate-name") call.crate = next;
    if (a == "--out-dir") call.out_dir = next;
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
  return 1;
}

// Confine puts this process into the floor for `call`, with its
// temporaries in warden's private directory.
absl::Status Confine(const RustcCall& call, const std::string& rustc) {
  absl::StatusOr<LandlockPlan> plan = FloorFromEnvironment();
  if (!plan.ok()) return plan.status();
  absl::StatusOr<std::string> tmp = PrivateTmp(GetEnv(kEnvTargetDir));
  if (!tmp.ok()) return tmp.status();
  CompileSite site;
  site.sysroot = SysrootOf(rustc);
  site.manifest_dir = GetEnv("CARGO_MANIFEST_DIR");
  site.outputs = {call.out_dir, call.incremental, *tmp};
  AddCompileSite(*plan, site);
  if (setenv("TMPDIR", tmp->c_str(), 1) != 0)
    return absl::InternalError("setenv TMPDIR failed");
  return EnterFloor(*plan);
}

// DepInfoPaths lists the files a dep-info file names as inputs ("out: a b"
// lines; spaces in names are escaped as "\ "), made absolute against the
// current directory, where cargo ran rustc.
std::vector<std::string> DepInfoPaths(const std::string& file) {
  std::ifstream in(file);
  std::vector<std::string> paths;
  std::string line;
  const std::filesystem::path cwd = std::filesystem::current_path();
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t colon = line.find(": ");
    if (colon == std::string::npos) continue;
    std::string word;
    for (size_t i = colon + 2; i <= line.size(); ++i) {
      if (i < line.size() && line[i] == '\\' && i + 1 < line.size() &&
          line[i + 1] == ' ') {
        word += ' ';
        ++i;
      } else if (i == line.size() || line[i] == ' ') {
        if (!word.empty())
          paths.push_back((cwd / word).lexically_normal().string());
        word.clear();
      } else {
        word += line[i];
      }
    }
  }
  return paths;
}

// NoteReadsOutsideFloor appends, for learn's proposal, every input of the
// compiled crate that the floor would not let rustc read:
// <target>/warden/compile-reads-<run>.tsv, "name\tversion\tpath" lines.
void NoteReadsOutsideFloor(const RustcCall& call) {
  absl::StatusOr<LandlockPlan> plan = FloorFromEnvironment();
  if (!plan.ok()) return;
  CompileSite site;
  site.manifest_dir = GetEnv("CARGO_MANIFEST_DIR");
  site.outputs = {call.out_dir, call.incremental};
  AddCompileSite(*plan, site);
  std::string lines;
  for (const std::string& path : DepInfoPaths(call.DepInfo()))
    if (!PlanGrantsRead(*plan, path) &&
        path.find_first_of("\t\n") == std::string::npos)
      absl::StrAppend(&lines, GetEnv("CARGO_PKG_NAME"), "\t",
                      GetEnv("CARGO_PKG_VERSION"), "\t", path, "\n");
  if (lines.empty()) return;
  std::ofstream(CompileReadsFile(GetEnv(kEnvTargetDir), GetEnv(kEnvRunId)),
                std::ios::app)
      << lines;
}

int RunAndWait(std::vector<char*>& command) {
  pid_t pid = fork();
  if (pid == 0) {
    execvp(command[0], command.data());
    fprintf(stderr, "warden-rustc: cannot run %s: %s\n", command[0],
            strerror(errno));
    _exit(127);
  }
  int raw = 0;
  while (waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
}

int Main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr,
            "warden-rustc: cargo's RUSTC_WRAPPER under cargo-warden; not meant "
            "to be run by hand (usage: warden-rustc RUSTC ARGS...)\n");
    return 2;
  }
  std::vector<char*> command;
  std::string inner = GetEnv(kEnvInnerWrapper);
  if (!inner.empty()) command.push_back(inner.data());
  for (int i = 1; i < argc; ++i) command.push_back(argv[i]);
  command.push_back(nullptr);

  const RustcCall call = ParseRustcCall(argc, argv);
  const std::string mode = GetEnv(kEnvMode);
  if (mode == "enforce")
    if (absl::Status s = Confine(call, argv[1]); !s.ok())
      return Fail(absl::StrCat("cannot enter warden's floor: ", s.message()));

  const std::string build_script = call.BuildScript();
  if (build_script.empty() && mode != "learn") {
    execvp(command[0], command.data());
    return Fail(absl::StrCat("cannot run ", command[0], ": ", strerror(errno)));
  }
  int status = RunAndWait(command);
  if (status != 0) return status;
  if (mode == "learn") NoteReadsOutsideFloor(call);
  if (build_script.empty()) return 0;
  if (absl::Status s = InstallShim(build_script); !s.ok())
    return Fail(absl::StrCat("cannot put warden's shim in front of ",
                             build_script, ": ", s.message()));
  return 0;
}

}  // namespace
}  // namespace warden

int main(int argc, char** argv) { return warden::Main(argc, argv); }
