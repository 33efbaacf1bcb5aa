// Store: warden's SQLite database of runs, packages, build-script invocations
// and the events they produced.
//
// One writer per invocation: each supervisor opens the store, writes one
// invocation and its events in a single transaction, and closes it. WAL mode
// and a long busy timeout let many supervisors (cargo -j N) and the
// cargo-warden process share the file without "database is locked" errors.
#ifndef WARDEN_DB_STORE_H_
#define WARDEN_DB_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "db/schema.h"
#include "tracer/event.h"

namespace warden {

// Whether cargo has confirmed the workspace cargo-warden started the build
// with (it may find it without cargo, and checks while cargo builds):
// supervisors wait for it.
enum class ResolutionState { kResolving = 0, kRecorded = 1, kFailed = 2 };

struct RunRecord {
  int64_t id = 0;
  std::string mode;            // "learn" or "enforce"
  std::string workspace_root;
  std::string policy_path;
  std::string cargo_args;      // space-joined
  int64_t started_ms = 0;      // Unix epoch milliseconds
  int64_t ended_ms = 0;        // 0 while running
  int exit_status = -1;
  ResolutionState resolution = ResolutionState::kResolving;
};

struct InvocationRecord {
  int64_t id = 0;
  int64_t run_id = 0;
  std::string package;         // name
  std::string version;
  std::string source;          // "registry", "path", "git" (from Cargo.lock)
  std::string sysroot;         // of the rustc cargo ran
  std::string manifest_dir;
  std::string out_dir;
  std::string binary_sha256;   // of the real build-script binary
  int64_t started_ms = 0;
  int64_t ended_ms = 0;
  int exit_status = 0;         // as waitpid encodes it: code, or 128+signal
  uint64_t notifications = 0;  // requests the supervisor handled
  int64_t peak_rss_kb = 0;     // supervisor's own peak RSS
};

// A stored event with the invocation it belongs to.
struct StoredEvent {
  int64_t invocation_id = 0;
  Event event;
};

// A directive ("cargo:rustc-link-lib=z") a build script printed.
struct Directive {
  int64_t invocation_id = 0;
  std::string key;    // "rustc-link-lib"
  std::string value;  // "z"
};

class Store {
 public:
  // What the last connection to close does with the write-ahead log.
  // Checkpointing it into the database file costs an fsync; a supervisor
  // leaves that to cargo-warden, whose connection outlives the build.
  enum class OnClose { kCheckpoint, kLeaveWal };

  // Open opens or creates the database at `path` (creating its directory),
  // applies pending migrations and sets WAL mode. A database written by a
  // newer warden (schema version above kSchemaVersion) is FailedPrecondition.
  static absl::StatusOr<std::unique_ptr<Store>> Open(
      const std::string& path, OnClose on_close = OnClose::kCheckpoint);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // BeginRun records a run that is still being resolved (run.resolution is
  // ignored).
  absl::StatusOr<int64_t> BeginRun(const RunRecord& run);
  absl::Status EndRun(int64_t run_id, int exit_status);
  // Resolve marks the run resolved.
  absl::Status Resolve(int64_t run_id);
  // FailResolution marks that the run will never be resolved.
  absl::Status FailResolution(int64_t run_id);

  // AddInvocation stores one invocation and all its events atomically and
  // returns the invocation id.
  absl::StatusOr<int64_t> AddInvocation(const InvocationRecord& invocation,
                                        const std::vector<Event>& events);
  absl::Status AddDirectives(const std::vector<Directive>& directives);

  absl::StatusOr<std::optional<RunRecord>> GetRun(int64_t run_id);
  // Runs of a workspace, newest first.
  absl::StatusOr<std::vector<RunRecord>> ListRuns(
      const std::string& workspace_root);
  absl::StatusOr<std::vector<InvocationRecord>> Invocations(int64_t run_id);
  absl::StatusOr<std::vector<StoredEvent>> Events(int64_t run_id);
  absl::StatusOr<std::vector<Directive>> Directives(int64_t run_id);

 private:
  explicit Store(std::unique_ptr<sqlite::Connection> db);
  std::unique_ptr<sqlite::Connection> db_;
};

}  // namespace warden

#endif  // WARDEN_DB_STORE_H_
