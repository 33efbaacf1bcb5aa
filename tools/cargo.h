// What cargo-warden asks of cargo itself: workspace metadata, and running it.
#ifndef WARDEN_TOOLS_CARGO_H_
#define WARDEN_TOOLS_CARGO_H_

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/matcher.h"
#include "policy/policy.h"

namespace warden {

struct CargoPackage {
  PackageId id;
  std::string manifest_dir;
  bool has_build_script = false;
  std::string declared_yaml;   // [package.metadata.warden], as JSON text
  std::string build_script;    // its source, relative to manifest_dir
  std::string cargo_id;        // as cargo's JSON messages write package_id
};

struct Workspace {
  std::string root;        // canonical
  std::string target_dir;  // canonical (weakly: it may not exist yet)
  std::vector<CargoPackage> packages;
};

// GlobalCargoArgs picks, from the arguments the user gave for cargo, those
// that also shape `cargo metadata` (--config, --offline, --frozen, --locked,
// -Z, --manifest-path), and turns --target-dir, which metadata does not
// take, into the --config setting it overrides.
std::vector<std::string> GlobalCargoArgs(const std::vector<std::string>& args);

// The two directories everything else is found from.
struct WorkspaceDirs {
  std::string root;        // canonical
  std::string target_dir;  // canonical (weakly: it may not exist yet)
};

// FindWorkspaceDirs works out, without running cargo, the workspace root and
// target directory cargo would use, where that is certain: nothing names a
// target directory but $CARGO_TARGET_DIR or $CARGO_BUILD_TARGET_DIR (no
// argument, no "target-dir" in any cargo config file from the current
// directory up or in $CARGO_HOME), and the manifest is its own workspace
// root (it has a [workspace] table, or says nothing of workspaces and has no
// Cargo.toml above it). nullopt means "ask cargo metadata".
std::optional<WorkspaceDirs> FindWorkspaceDirs(
    const std::string& manifest_path, const std::vector<std::string>& args);

// WorkspaceDirsFromCargo asks `cargo metadata --no-deps`.
absl::StatusOr<WorkspaceDirs> WorkspaceDirsFromCargo(
    const std::string& manifest_path, const std::vector<std::string>& args);

// CargoProgram is the cargo to run: $CARGO when cargo started us as
// `cargo warden` (no rustup proxy in between), else "cargo" from PATH.
std::string CargoProgram();

// Which packages LoadWorkspace lists.
enum class Packages {
  kAll,          // the whole resolved graph
  kMembersOnly,  // the workspace's own (--no-deps: no resolution, ~3x faster)
};

// LoadWorkspace runs `cargo metadata --format-version 1` and parses it.
absl::StatusOr<Workspace> LoadWorkspace(const std::string& manifest_path,
                                        const std::vector<std::string>& args,
                                        Packages which);

// SourceKind maps cargo's source id ("registry+…", "git+…", null) to
// "registry", "git" or "path".
std::string SourceKind(const std::string& source_id);

// DeclaredPolicy turns the [package.metadata.warden] tables of packages into
// a policy (one entry per declaring package). Errors name the package whose
// table is malformed.
absl::StatusOr<Policy> DeclaredPolicy(const std::vector<CargoPackage>& packages);

// StartCommand starts argv with extra environment, inheriting stdio.
absl::StatusOr<pid_t> StartCommand(const std::vector<std::string>& argv,
                                   const std::vector<std::string>& extra_env);

// RunCommand runs argv with exactly `env` ("NAME=value"), inheriting stdio,
// and returns its exit status (as WaitCommand).
absl::StatusOr<int> RunCommand(const std::vector<std::string>& argv,
                               const std::vector<std::string>& env);

// WaitCommand waits for a started command and returns its exit status (128 +
// signal if killed).
int WaitCommand(pid_t pid);

// CaptureCommand runs argv and returns its stdout; non-zero exit is an error
// carrying its stderr.
absl::StatusOr<std::string> CaptureCommand(const std::vector<std::string>& argv);

}  // namespace warden

#endif  // WARDEN_TOOLS_CARGO_H_
