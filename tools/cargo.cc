#include "tools/cargo.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/yaml.h"
#include "tools/protocol.h"
#include "tracer/unique_fd.h"

extern char** environ;

namespace warden {
namespace {

std::vector<char*> CStrings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const std::string& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

int WaitStatus(pid_t pid) {
  int raw = 0;
  while (waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
}

// MakePipe opens a close-on-exec pipe, owned by `read_end` and `write_end`.
bool MakePipe(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return true;
}

// ReadBoth reads both pipes to their ends as data comes (reading one to its
// end first deadlocks once the child fills the other's 64 KiB and waits),
// and returns 0 or poll's errno.
int ReadBoth(const UniqueFd& out_fd, const UniqueFd& err_fd, std::string& out,
             std::string& err) {
  pollfd fds[2] = {{out_fd.get(), POLLIN, 0}, {err_fd.get(), POLLIN, 0}};
  std::string* texts[2] = {&out, &err};
  char buf[65536];
  for (int left = 2; left > 0;) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        texts[i]->append(buf, n);
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;  // at its end: poll skips negative fds
        --left;
      }
    }
  }
  return 0;
}

}  // namespace

namespace {

// TargetDirConfig is `--target-dir DIR` (which `cargo metadata` does not
// take) as the config setting it overrides, absolute against the cwd as
// cargo resolves the option.
std::string TargetDirConfig(const std::string& dir) {
  std::error_code ec;
  std::string abs = std::filesystem::absolute(dir, ec).lexically_normal().string();
  std::string quoted;
  for (char c : abs) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return "build.target-dir=\"" + quoted + "\"";
}

}  // namespace

std::vector<std::string> GlobalCargoArgs(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;  // the rest is for the program cargo runs
    if (a == "--target-dir" && i + 1 < args.size()) {
      out.push_back("--config");
      out.push_back(TargetDirConfig(args[++i]));
    } else if (a.rfind("--target-dir=", 0) == 0) {
      out.push_back("--config");
      out.push_back(TargetDirConfig(a.substr(strlen("--target-dir="))));
    } else if (a == "--offline" || a == "--frozen" || a == "--locked") {
      out.push_back(a);
    } else if ((a == "--config" || a == "-Z" || a == "--manifest-path") &&
               i + 1 < args.size()) {
      out.push_back(a);
      out.push_back(args[++i]);
    } else if (a.rfind("--config=", 0) == 0 || a.rfind("-Z", 0) == 0 ||
               a.rfind("--manifest-path=", 0) == 0) {
      out.push_back(a);
    }
  }
  return out;
}

std::string SourceKind(const std::string& source_id) {
  if (source_id.empty()) return "path";
  if (source_id.rfind("git+", 0) == 0) return "git";
  if (source_id.rfind("path+", 0) == 0) return "path";
  return "registry";
}

std::string CargoProgram() {
  std::string cargo = GetEnv("CARGO");
  return cargo.empty() ? "cargo" : cargo;
}

namespace {

namespace fs = std::filesystem;

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// ArgsSteerCargo is true when an argument could change the manifest, the
// current directory, the config or the target directory cargo uses.
bool ArgsSteerCargo(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    for (const char* option : {"--target-dir", "--config", "--manifest-path", "-Z", "-C"})
      if (a.rfind(option, 0) == 0) return true;
  return false;
}

// ConfigNamesTargetDir looks through every cargo config file cargo would
// read from `cwd` (a plain text search: a false alarm only costs speed).
bool ConfigNamesTargetDir(const fs::path& cwd) {
  std::vector<fs::path> dirs;
  for (fs::path d = cwd;; d = d.parent_path()) {
    dirs.push_back(d / ".cargo");
    if (d == d.parent_path()) break;
  }
  std::string cargo_home = GetEnv("CARGO_HOME");
  if (cargo_home.empty() && !GetEnv("HOME").empty())
    cargo_home = GetEnv("HOME") + "/.cargo";
  if (!cargo_home.empty()) dirs.push_back(cargo_home);
  for (const fs::path& dir : dirs)
    for (const char* name : {"config", "config.toml"}) {
      std::error_code ec;
      if (fs::is_regular_file(dir / name, ec) &&
          ReadText(dir / name).find("target-dir") != std::string::npos)
        return true;
    }
  return false;
}

// IsOwnWorkspaceRoot is true when the manifest has a [workspace] (or
// [workspace.…]) table, false when it says nothing of workspaces; nullopt
// when it names one elsewhere (package.workspace, `workspace = true`).
std::optional<bool> IsOwnWorkspaceRoot(const std::string& manifest) {
  std::istringstream lines(manifest);
  std::string line;
  bool mentioned = false;
  while (std::getline(lines, line)) {
    size_t start = line.find_first_not_of(" \t");
    if (start != std::string::npos && line.compare(start, 10, "[workspace") == 0)
      return true;
    if (line.find("workspace") != std::string::npos) mentioned = true;
  }
  if (mentioned) return std::nullopt;
  return false;
}

}  // namespace

std::optional<WorkspaceDirs> FindWorkspaceDirs(
    const std::string& manifest_path, const std::vector<std::string>& args) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec || ArgsSteerCargo(args) || ConfigNamesTargetDir(cwd))
    return std::nullopt;
  fs::path manifest;
  if (!manifest_path.empty()) {
    manifest = fs::weakly_canonical(cwd / manifest_path, ec);
  } else {
    for (fs::path d = cwd;; d = d.parent_path()) {
      if (fs::is_regular_file(d / "Cargo.toml", ec)) {
        manifest = d / "Cargo.toml";
        break;
      }
      if (d == d.parent_path()) return std::nullopt;
    }
  }
  if (ec || !fs::is_regular_file(manifest, ec)) return std::nullopt;
  std::optional<bool> own_root = IsOwnWorkspaceRoot(ReadText(manifest));
  if (!own_root) return std::nullopt;
  const fs::path root = manifest.parent_path();
  if (!*own_root)
    for (fs::path d = root; d != d.parent_path();) {
      d = d.parent_path();
      if (fs::exists(d / "Cargo.toml", ec)) return std::nullopt;
    }
  std::string target = GetEnv("CARGO_TARGET_DIR");
  if (target.empty()) target = GetEnv("CARGO_BUILD_TARGET_DIR");
  fs::path target_dir = target.empty() ? root / "target" : cwd / target;
  return WorkspaceDirs{fs::weakly_canonical(root, ec).string(),
                       fs::weakly_canonical(target_dir, ec).string()};
}

absl::StatusOr<WorkspaceDirs> WorkspaceDirsFromCargo(
    const std::string& manifest_path, const std::vector<std::string>& args) {
  absl::StatusOr<Workspace> ws =
      LoadWorkspace(manifest_path, args, Packages::kMembersOnly);
  if (!ws.ok()) return ws.status();
  return WorkspaceDirs{ws->root, ws->target_dir};
}

absl::StatusOr<Workspace> LoadWorkspace(const std::string& manifest_path,
                                        const std::vector<std::string>& args,
                                        Packages which) {
  std::vector<std::string> argv = {CargoProgram(), "metadata",
                                   "--format-version", "1"};
  if (which == Packages::kMembersOnly) argv.push_back("--no-deps");
  if (!manifest_path.empty()) {
    argv.push_back("--manifest-path");
    argv.push_back(manifest_path);
  }
  for (const std::string& a : GlobalCargoArgs(args)) argv.push_back(a);
  absl::StatusOr<std::string> out = CaptureCommand(argv);
  if (!out.ok()) return out.status();
  nlohmann::json meta = nlohmann::json::parse(*out, nullptr, false);
  if (meta.is_discarded() || !meta.is_object())
    return absl::InternalError("cargo metadata printed something that is not JSON");
  Workspace ws;
  // Canonical, as runs record them: a symlinked checkout is one workspace.
  std::error_code ec;
  ws.root = fs::weakly_canonical(meta.value("workspace_root", ""), ec).string();
  ws.target_dir =
      fs::weakly_canonical(meta.value("target_directory", ""), ec).string();
  for (const nlohmann::json& p : meta.value("packages", nlohmann::json::array())) {
    CargoPackage pkg;
    pkg.id.name = p.value("name", "");
    pkg.id.version = p.value("version", "");
    pkg.cargo_id = p.value("id", "");
    // value() with a default: "source" is null for path packages.
    const auto source = p.find("source");
    pkg.id.source = SourceKind(source != p.end() && source->is_string()
                                   ? source->get<std::string>()
                                   : "");
    std::string manifest = p.value("manifest_path", "");
    pkg.manifest_dir =
        std::filesystem::path(manifest).parent_path().string();
    for (const nlohmann::json& t : p.value("targets", nlohmann::json::array()))
      for (const nlohmann::json& kind : t.value("kind", nlohmann::json::array()))
        if (kind == "custom-build") {
          pkg.has_build_script = true;
          pkg.build_script =
              fs::path(t.value("src_path", ""))
                  .lexically_relative(pkg.manifest_dir)
                  .string();
        }
    if (p.contains("metadata") && p["metadata"].is_object() &&
        p["metadata"].contains("warden"))
      pkg.declared_yaml = p["metadata"]["warden"].dump();
    ws.packages.push_back(std::move(pkg));
  }
  if (ws.root.empty() || ws.target_dir.empty())
    return absl::InternalError("cargo metadata gave no workspace_root or target_directory");
  return ws;
}

absl::StatusOr<Policy> DeclaredPolicy(const std::vector<CargoPackage>& packages) {
  Policy declared;
  for (const CargoPackage& p : packages) {
    if (p.declared_yaml.empty()) continue;
    // JSON is YAML flow syntax: reuse the policy loader and its checks.
    std::string text = "version: 1\npackages:\n  \"" + p.id.name +
                       "\": " + p.declared_yaml + "\n";
    absl::StatusOr<Policy> one = LoadPolicyText(
        text, p.manifest_dir + "/Cargo.toml [package.metadata.warden]");
    if (!one.ok()) return one.status();
    declared = MergePolicies(declared, *one);
  }
  return declared;
}

static absl::StatusOr<pid_t> SpawnCommand(const std::vector<std::string>& argv,
                                   const std::vector<std::string>& env) {
  std::vector<char*> cargv = CStrings(argv), cenv = CStrings(env);
  pid_t pid;
  int rc = posix_spawnp(&pid, cargv[0], nullptr, nullptr, cargv.data(),
                        cenv.data());
  if (rc != 0)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot run ", argv[0], ": ", strerror(rc)));
  return pid;
}

absl::StatusOr<pid_t> StartCommand(const std::vector<std::string>& argv,
                                   const std::vector<std::string>& extra_env) {
  std::vector<std::string> env = CurrentEnvironment();
  env.insert(env.end(), extra_env.begin(), extra_env.end());
  return SpawnCommand(argv, env);
}

absl::StatusOr<int> RunCommand(const std::vector<std::string>& argv,
                               const std::vector<std::string>& env) {
  absl::StatusOr<pid_t> pid = SpawnCommand(argv, env);
  if (!pid.ok()) return pid.status();
  return WaitStatus(*pid);
}

int WaitCommand(pid_t pid) { return WaitStatus(pid); }

absl::StatusOr<std::string> CaptureCommand(
    const std::vector<std::string>& argv) {
  UniqueFd out_read, out_write, err_read, err_write;
  if (!MakePipe(out_read, out_write) || !MakePipe(err_read, err_write))
    return absl::InternalError(absl::StrCat("pipe: ", strerror(errno)));
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  std::vector<char*> cargv = CStrings(argv);
  pid_t pid;
  int rc = posix_spawnp(&pid, cargv[0], &actions, nullptr, cargv.data(),
                        environ);
  posix_spawn_file_actions_destroy(&actions);
  // Only the child may hold the write ends, or the reads never end.
  out_write.reset();
  err_write.reset();
  if (rc != 0)
    return absl::FailedPreconditionError(
        absl::StrCat("cannot run ", argv[0], ": ", strerror(rc)));
  std::string stdout_text, stderr_text;
  const int read_error = ReadBoth(out_read, err_read, stdout_text, stderr_text);
  // Closed before the wait: a child still writing gets EPIPE, not a hang.
  out_read.reset();
  err_read.reset();
  int status = WaitStatus(pid);
  if (read_error != 0)
    return absl::InternalError(absl::StrCat("reading the output of ", argv[0],
                                            ": ", strerror(read_error)));
  if (status != 0)
    return absl::FailedPreconditionError(absl::StrCat(
        absl::StrJoin(argv, " "), " failed (exit ", status, "):\n", stderr_text));
  return stdout_text;
}

}  // namespace warden
