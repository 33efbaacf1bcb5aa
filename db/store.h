// Store: warden's SQLite database of runs, build-script invocations, the
// events they produced and the directives they printed.
//
// One writer per invocation: each supervisor opens the store, writes one
// invocation and its events in a single transaction, and closes it. WAL mode
// and a long busy timeout let many supervisors (cargo -j N) and the
// cargo-warden process share the file without "database is locked" errors.
//
// The protocol. cargo-warden (tools/cmd_run.cc) and every warden-shim
// (tools/shim.cc, one per build-script run, started by cargo) talk only
// through this database; cargo-warden passes WARDEN_DB and WARDEN_RUN_ID in
// cargo's environment. Rows and who writes them, in order:
//
//   1. cargo-warden  BeginRun: a `runs` row, resolution kResolving,
//                    ended_ms 0, exit_status -1.
//   2. cargo-warden  Resolve (kRecorded) before starting cargo when it asked
//                    cargo for the workspace; otherwise, while cargo builds,
//                    `cargo metadata` confirms its own guess: Resolve, or
//                    FailResolution (kFailed) and SIGKILL to cargo. Failing
//                    to start cargo is FailResolution too.
//   3. warden-shim   opens the store (OnClose::kLeaveWal) and polls
//                    GetRun(run).resolution every 5 ms: kRecorded runs the
//                    build script, kFailed (or any value it does not know)
//                    exits 3 (kExitEnvironment), no such run exits 3 (kExitEnvironment) at once.
//   4. warden-shim   AddInvocation: the `invocations` row, its `events` and
//                    new `strings`, in one transaction, after the script
//                    ended; a failure exits 3 (kExitEnvironment) ("cannot record events").
//   5. cargo-warden  after cargo exited: AddDirectives (`directives` rows
//                    parsed from each invocation's output file), then
//                    EndRun (ended_ms, exit_status), then it reads it all.
//
// The resolution is a state, not an event: written before a shim polls, it
// is seen on the first poll. Each poll is its own read transaction, and WAL
// readers never wait for a writer, so polls see every commit promptly and
// never the uncommitted half of a transaction.
//
// When a side dies or never answers:
//   - cargo-warden dies before step 2: nothing marks the run, it stays
//     kResolving; each shim gives up after 10 minutes (DeadlineExceeded, exit
//     3). Usually Ctrl-C kills cargo and the shims with it (one process
//     group). FailResolution failing (e.g. busy for 60 s) is the same case.
//   - cargo-warden dies after step 2: shims still record their invocations;
//     the run keeps ended_ms 0 and exit_status -1, which readers (diff, show)
//     do not tell apart from a run in progress.
//   - a shim dies (or fails) mid-write: its transaction never commits, so
//     none of its invocation is stored, and the lock goes with the process.
//     cargo sees the build script fail.
//   - the database is locked: writers wait up to 60 s (SQLite's busy
//     handler, then Connection::Exec's retries), then fail kUnavailable
//     naming what they were writing: exit 3 in a shim and in cargo-warden.
//   - the file is not a warden database, or is a newer warden's: Open fails
//     naming the path (cargo-warden exit 3 before any build starts).
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
#include "tracer/directive.h"
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

// RecordedPaths are the path variables (policy/matcher.h PathVars) a
// supervisor matched an invocation with, beyond the invocation's own
// out_dir, manifest_dir and sysroot.
struct RecordedPaths {
  std::string target_dir;
  std::string workspace_root;
  std::string home;
  std::string cargo_home;
  std::string rustup_home;
  std::string tmp;
  std::string path;  // $PATH's absolute directories, ':'-joined
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
  // nullopt for invocations recorded before schema 3.
  std::optional<RecordedPaths> paths;
  // Written, not read back: bench/run reads the `call_costs` table.
  std::vector<CallCost> costs;
};

// A stored event with the invocation it belongs to.
struct StoredEvent {
  int64_t invocation_id = 0;
  Event event;
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
  // LatestInvocations returns, for each (package, version, source,
  // binary_sha256) that runs of `mode` in the workspace invoked, the newest
  // such invocation (highest id), ordered by id.
  absl::StatusOr<std::vector<InvocationRecord>> LatestInvocations(
      const std::string& workspace_root, const std::string& mode);

 private:
  explicit Store(std::unique_ptr<sqlite::Connection> db);
  std::unique_ptr<sqlite::Connection> db_;
};

}  // namespace warden

#endif  // WARDEN_DB_STORE_H_
