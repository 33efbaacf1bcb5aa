#include "db/store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <string_view>
#include <system_error>
#include <thread>
#include <type_traits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace warden {
namespace {

// Schema migrations: kMigrations[v] takes a database from user_version v to
// v + 1. Append new steps; never edit a released one.
//
// Event targets and details repeat heavily (the same shared libraries are read
// by every build script), so they are interned in `strings` and events refer
// to them by id. That keeps the database around 80 bytes per event (see
// EventsCostAtMost200BytesEach in tests/db_store_test.cc).
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  mode TEXT NOT NULL,
  workspace_root TEXT NOT NULL,
  policy_path TEXT NOT NULL,
  cargo_args TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER NOT NULL,
  exit_status INTEGER NOT NULL
);
CREATE INDEX runs_by_workspace ON runs(workspace_root, started_ms);

CREATE TABLE packages (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  source TEXT NOT NULL,
  manifest_dir TEXT NOT NULL,
  UNIQUE (run_id, name, version, source)
);

CREATE TABLE invocations (
  id INTEGER PRIMARY KEY,
  run_id INTEGER NOT NULL REFERENCES runs(id),
  package TEXT NOT NULL,
  version TEXT NOT NULL,
  manifest_dir TEXT NOT NULL,
  out_dir TEXT NOT NULL,
  binary_sha256 TEXT NOT NULL,
  started_ms INTEGER NOT NULL,
  ended_ms INTEGER NOT NULL,
  exit_status INTEGER NOT NULL,
  notifications INTEGER NOT NULL,
  peak_rss_kb INTEGER NOT NULL
);
CREATE INDEX invocations_by_run ON invocations(run_id);

CREATE TABLE strings (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  invocation_id INTEGER NOT NULL REFERENCES invocations(id),
  op TEXT NOT NULL,
  target_id INTEGER NOT NULL REFERENCES strings(id),
  detail_id INTEGER NOT NULL REFERENCES strings(id),
  allowed INTEGER NOT NULL,
  error INTEGER NOT NULL,
  count INTEGER NOT NULL
);
CREATE INDEX events_by_invocation ON events(invocation_id);

CREATE TABLE directives (
  id INTEGER PRIMARY KEY,
  invocation_id INTEGER NOT NULL REFERENCES invocations(id),
  key TEXT NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX directives_by_invocation ON directives(invocation_id);
)sql",
    // Runs written before this step were resolved before their build. Each
    // invocation now carries its package's source, which the supervisor
    // reads from Cargo.lock (the per-run package list had only that use),
    // and rustc's sysroot ('' before: callers then ask rustc).
    R"sql(
ALTER TABLE runs ADD COLUMN resolution INTEGER NOT NULL DEFAULT 1;
ALTER TABLE invocations ADD COLUMN source TEXT NOT NULL DEFAULT 'path';
ALTER TABLE invocations ADD COLUMN sysroot TEXT NOT NULL DEFAULT '';
UPDATE invocations SET source = coalesce((
  SELECT p.source FROM packages p
  WHERE p.run_id = invocations.run_id AND p.name = invocations.package AND
        p.version = invocations.version AND
        p.manifest_dir = invocations.manifest_dir), 'path');
DROP TABLE packages;
)sql",
};

// How long a writer waits for the lock before giving up, both in SQLite's
// busy handler and in our own retries of what that handler does not cover.
constexpr std::chrono::milliseconds kBusyTimeout = std::chrono::seconds(60);

#define WARDEN_RETURN_IF_ERROR(expr)          \
  do {                                        \
    if (absl::Status s_ = (expr); !s_.ok()) { \
      return s_;                              \
    }                                         \
  } while (0)

absl::StatusCode CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::StatusCode::kUnavailable;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
    case SQLITE_TOOBIG:
      return absl::StatusCode::kInvalidArgument;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_AUTH:
      return absl::StatusCode::kPermissionDenied;
    case SQLITE_FULL:
      return absl::StatusCode::kResourceExhausted;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    default:
      return absl::StatusCode::kInternal;
  }
}

// SqliteError turns a failed call into "<purpose>: <sqlite message>".
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view purpose) {
  return absl::Status(CodeFor(rc),
                      absl::StrCat(purpose, ": ", sqlite3_errmsg(db)));
}

bool IsBusy(int rc) {
  return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

// RetryWhileBusy repeats `attempt` (returning an SQLite result code) while it
// reports SQLITE_BUSY or SQLITE_LOCKED, for up to kBusyTimeout. The busy
// handler already waits inside most calls; this covers the cases where SQLite
// returns BUSY at once (WAL recovery, journal-mode switches).
template <typename Attempt>
int RetryWhileBusy(Attempt attempt) {
  const auto deadline = std::chrono::steady_clock::now() + kBusyTimeout;
  std::chrono::milliseconds backoff(1);
  for (;;) {
    const int rc = attempt();
    if (!IsBusy(rc) || std::chrono::steady_clock::now() >= deadline) {
      return rc;
    }
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(100));
  }
}

// Exec runs SQL without results (pragmas, transaction control, migrations),
// retrying while the database is busy. A retry reruns all of `sql`, so
// multi-statement SQL must be idempotent or run inside a write transaction,
// where it cannot meet BUSY.
absl::Status Exec(sqlite3* db, const char* sql, absl::string_view purpose) {
  const int rc = RetryWhileBusy(
      [&] { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); });
  if (rc != SQLITE_OK) return SqliteError(db, rc, purpose);
  return absl::OkStatus();
}

// Statement owns one prepared statement. Every error it reports is prefixed
// with its purpose ("inserting event").
class Statement {
 public:
  static absl::StatusOr<Statement> Prepare(sqlite3* db, const char* sql,
                                           std::string purpose) {
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      return SqliteError(db, rc, absl::StrCat("preparing ", purpose));
    }
    return Statement(db, stmt, std::move(purpose));
  }

  Statement(Statement&& other) noexcept
      : db_(other.db_),
        stmt_(std::exchange(other.stmt_, nullptr)),
        purpose_(std::move(other.purpose_)) {}
  Statement& operator=(Statement&&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // Bind resets the statement and binds `args` to parameters ?1, ?2, ... in
  // order. Integers (and bools) bind as INTEGER, strings as TEXT. Strings are
  // not copied: they must outlive the statement's execution.
  template <typename... Args>
  absl::Status Bind(const Args&... args) {
    sqlite3_reset(stmt_);
    [[maybe_unused]] int index = 0;
    int rc = SQLITE_OK;
    ((rc = rc == SQLITE_OK ? BindOne(++index, args) : rc), ...);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, purpose_);
    return absl::OkStatus();
  }

  // Step advances to the next row: true if there is one, false when done.
  absl::StatusOr<bool> Step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, rc, purpose_);
  }

  // Run binds `args` and executes a statement that returns no rows.
  template <typename... Args>
  absl::Status Run(const Args&... args) {
    WARDEN_RETURN_IF_ERROR(Bind(args...));
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    return absl::OkStatus();
  }

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::string Text(int column) const {
    const auto* text =
        reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return text == nullptr
               ? std::string()
               : std::string(text, sqlite3_column_bytes(stmt_, column));
  }

 private:
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string purpose)
      : db_(db), stmt_(stmt), purpose_(std::move(purpose)) {}

  template <typename T>
  int BindOne(int index, const T& value) {
    if constexpr (std::is_integral_v<T>) {
      return sqlite3_bind_int64(stmt_, index,
                                static_cast<sqlite3_int64>(value));
    } else {
      const std::string_view text(value);
      return sqlite3_bind_text64(stmt_, index, text.data(), text.size(),
                                 SQLITE_STATIC, SQLITE_UTF8);
    }
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string purpose_;
};

// Query runs `sql` with `args` and converts each row with `convert`, which
// returns T or absl::StatusOr<T>.
template <typename T, typename Convert, typename... Args>
absl::StatusOr<std::vector<T>> Query(sqlite3* db, const char* sql,
                                     std::string purpose, Convert convert,
                                     const Args&... args) {
  absl::StatusOr<Statement> stmt =
      Statement::Prepare(db, sql, std::move(purpose));
  if (!stmt.ok()) return stmt.status();
  WARDEN_RETURN_IF_ERROR(stmt->Bind(args...));
  std::vector<T> rows;
  for (;;) {
    absl::StatusOr<bool> has_row = stmt->Step();
    if (!has_row.ok()) return has_row.status();
    if (!*has_row) return rows;
    absl::StatusOr<T> row = convert(*stmt);
    if (!row.ok()) return row.status();
    rows.push_back(*std::move(row));
  }
}

// InWriteTransaction runs `body` (returning absl::Status) inside BEGIN
// IMMEDIATE ... COMMIT, rolling back if it or the commit fails. Writes always
// take the write lock up front: a deferred transaction that later upgrades can
// deadlock with another writer, and SQLite then fails at once instead of
// waiting.
template <typename Body>
absl::Status InWriteTransaction(sqlite3* db, absl::string_view purpose,
                                Body body) {
  WARDEN_RETURN_IF_ERROR(
      Exec(db, "BEGIN IMMEDIATE",
           absl::StrCat("starting transaction for ", purpose)));
  absl::Status status = body();
  if (status.ok()) {
    status = Exec(db, "COMMIT", absl::StrCat("committing ", purpose));
  }
  if (!status.ok() && !sqlite3_get_autocommit(db)) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return status;
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// UpdateRun runs an UPDATE of one run (its id bound last) and fails if there
// is no such run.
template <typename... Args>
absl::Status UpdateRun(sqlite3* db, const char* purpose, const char* sql,
                       const Args&... args) {
  absl::StatusOr<Statement> update = Statement::Prepare(db, sql, purpose);
  if (!update.ok()) return update.status();
  WARDEN_RETURN_IF_ERROR(update->Run(args...));
  if (sqlite3_changes(db) == 0)
    return absl::NotFoundError(absl::StrCat(purpose, ": no such run"));
  return absl::OkStatus();
}

ResolutionState ResolutionFrom(int64_t value) {
  switch (value) {
    case static_cast<int>(ResolutionState::kResolving):
      return ResolutionState::kResolving;
    case static_cast<int>(ResolutionState::kRecorded):
      return ResolutionState::kRecorded;
    default:
      return ResolutionState::kFailed;
  }
}

// UserVersion reads the schema version (PRAGMA user_version).
absl::StatusOr<int> UserVersion(sqlite3* db, absl::string_view path) {
  absl::StatusOr<std::vector<int>> version =
      Query<int>(db, "PRAGMA user_version",
                 absl::StrCat("reading schema version of ", path),
                 [](const Statement& s) { return static_cast<int>(s.Int(0)); });
  if (!version.ok()) return version.status();
  return version->empty() ? 0 : version->front();
}

absl::Status CheckNotNewer(int version, absl::string_view path) {
  if (version <= kSchemaVersion) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat(
      "%s: DB was written by a newer warden (schema %d, this warden knows %d)",
      path, version, kSchemaVersion));
}

// Migrate brings the schema up to kSchemaVersion in one transaction. The
// version is read again under the write lock: another process may have
// migrated while this one waited.
absl::Status Migrate(sqlite3* db, absl::string_view path) {
  absl::StatusOr<int> version = UserVersion(db, path);
  if (!version.ok()) return version.status();
  WARDEN_RETURN_IF_ERROR(CheckNotNewer(*version, path));
  if (*version == kSchemaVersion) return absl::OkStatus();
  return InWriteTransaction(
      db, absl::StrCat("schema migration of ", path), [&]() -> absl::Status {
        absl::StatusOr<int> current = UserVersion(db, path);
        if (!current.ok()) return current.status();
        WARDEN_RETURN_IF_ERROR(CheckNotNewer(*current, path));
        for (int v = *current; v < kSchemaVersion; ++v) {
          WARDEN_RETURN_IF_ERROR(
              Exec(db, kMigrations[v],
                   absl::StrFormat("migrating %s to schema %d", path, v + 1)));
        }
        const std::string set_version =
            absl::StrCat("PRAGMA user_version = ", kSchemaVersion);
        return Exec(db, set_version.c_str(),
                    absl::StrCat("setting schema version of ", path));
      });
}

// EnableWal switches to write-ahead logging, which lets readers and one
// writer proceed concurrently. SQLite reports the resulting mode rather than
// failing when it cannot switch, so the answer is checked.
absl::Status EnableWal(sqlite3* db, absl::string_view path) {
  std::string mode;
  const auto capture = [](void* out, int columns, char** values, char**) {
    if (columns > 0 && values[0] != nullptr) {
      *static_cast<std::string*>(out) = values[0];
    }
    return 0;
  };
  const int rc = RetryWhileBusy([&] {
    return sqlite3_exec(db, "PRAGMA journal_mode = WAL", capture, &mode,
                        nullptr);
  });
  if (rc != SQLITE_OK) {
    return SqliteError(db, rc, absl::StrCat("enabling WAL on ", path));
  }
  if (mode != "wal") {
    return absl::FailedPreconditionError(absl::StrCat(
        "enabling WAL on ", path, ": journal mode stayed \"", mode, "\""));
  }
  return absl::OkStatus();
}

std::string ParentDirectory(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

absl::Status CreateParentDirectory(const std::string& path) {
  const std::string parent = ParentDirectory(path);
  if (parent.empty()) return absl::OkStatus();
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  if (error) {
    return absl::PermissionDeniedError(
        absl::StrCat("creating directory ", parent, " for database ", path,
                     ": ", error.message()));
  }
  return absl::OkStatus();
}

// OpenError explains a failed sqlite3_open_v2. SQLite only says "unable to
// open database file"; the usual cause, an unwritable directory, is spelled
// out.
absl::Status OpenError(sqlite3* db, int rc, const std::string& path) {
  absl::Status status = SqliteError(db, rc, absl::StrCat("opening ", path));
  const std::string parent = ParentDirectory(path);
  if (!parent.empty() && access(parent.c_str(), W_OK | X_OK) != 0) {
    return absl::Status(
        status.code(),
        absl::StrCat(status.message(), " (directory ", parent,
                     " is not writable: ", std::strerror(errno), ")"));
  }
  return status;
}

// StringInterner maps strings to ids in the `strings` table, inserting new
// ones. It must be used inside a write transaction, which makes the
// look-up-then-insert race free across processes.
class StringInterner {
 public:
  static absl::StatusOr<StringInterner> Create(sqlite3* db) {
    absl::StatusOr<Statement> find = Statement::Prepare(
        db, "SELECT id FROM strings WHERE text = ?1", "looking up string");
    if (!find.ok()) return find.status();
    absl::StatusOr<Statement> insert = Statement::Prepare(
        db, "INSERT INTO strings(text) VALUES (?1)", "inserting string");
    if (!insert.ok()) return insert.status();
    return StringInterner(db, *std::move(find), *std::move(insert));
  }

  absl::StatusOr<int64_t> Id(const std::string& text) {
    if (auto it = cache_.find(text); it != cache_.end()) return it->second;
    absl::StatusOr<int64_t> id = FindOrInsert(text);
    if (id.ok()) cache_.emplace(text, *id);
    return id;
  }

 private:
  StringInterner(sqlite3* db, Statement find, Statement insert)
      : db_(db), find_(std::move(find)), insert_(std::move(insert)) {}

  absl::StatusOr<int64_t> FindOrInsert(const std::string& text) {
    WARDEN_RETURN_IF_ERROR(find_.Bind(text));
    absl::StatusOr<bool> found = find_.Step();
    if (!found.ok()) return found.status();
    if (*found) return find_.Int(0);
    WARDEN_RETURN_IF_ERROR(insert_.Run(text));
    return sqlite3_last_insert_rowid(db_);
  }

  sqlite3* db_;
  Statement find_;
  Statement insert_;
  absl::flat_hash_map<std::string, int64_t> cache_;
};

absl::Status InsertEvents(sqlite3* db, int64_t invocation_id,
                          const std::vector<Event>& events) {
  absl::StatusOr<StringInterner> strings = StringInterner::Create(db);
  if (!strings.ok()) return strings.status();
  absl::StatusOr<Statement> insert = Statement::Prepare(
      db,
      "INSERT INTO events(invocation_id, op, target_id, detail_id, allowed, "
      "error, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      "inserting event");
  if (!insert.ok()) return insert.status();
  for (const Event& event : events) {
    absl::StatusOr<int64_t> target = strings->Id(event.target);
    if (!target.ok()) return target.status();
    absl::StatusOr<int64_t> detail = strings->Id(event.detail);
    if (!detail.ok()) return detail.status();
    WARDEN_RETURN_IF_ERROR(insert->Run(invocation_id, OpName(event.op), *target,
                                       *detail, event.allowed, event.error,
                                       event.count));
  }
  return absl::OkStatus();
}

constexpr char kRunColumns[] =
    "id, mode, workspace_root, policy_path, cargo_args, started_ms, ended_ms, "
    "exit_status, resolution";

RunRecord RunFromRow(const Statement& s) {
  RunRecord run;
  run.id = s.Int(0);
  run.mode = s.Text(1);
  run.workspace_root = s.Text(2);
  run.policy_path = s.Text(3);
  run.cargo_args = s.Text(4);
  run.started_ms = s.Int(5);
  run.ended_ms = s.Int(6);
  run.exit_status = static_cast<int>(s.Int(7));
  run.resolution = ResolutionFrom(s.Int(8));
  return run;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path,
                                                   OnClose on_close) {
  WARDEN_RETURN_IF_ERROR(CreateParentDirectory(path));
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  // The handle exists even when opening failed and must be closed.
  std::unique_ptr<Store> store(new Store(db));
  if (rc != SQLITE_OK) {
    return OpenError(db, rc, path);
  }
  sqlite3_busy_timeout(db, static_cast<int>(kBusyTimeout.count()));
  if (on_close == OnClose::kLeaveWal)
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  WARDEN_RETURN_IF_ERROR(EnableWal(db, path));
  WARDEN_RETURN_IF_ERROR(Exec(db,
                              "PRAGMA synchronous = NORMAL; "
                              "PRAGMA foreign_keys = ON;",
                              absl::StrCat("configuring ", path)));
  WARDEN_RETURN_IF_ERROR(Migrate(db, path));
  return store;
}

Store::Store(sqlite3* db) : db_(db) {}

Store::~Store() { sqlite3_close_v2(db_); }

absl::StatusOr<int64_t> Store::BeginRun(const RunRecord& run) {
  absl::Status status = InWriteTransaction(db_, "run", [&]() -> absl::Status {
    absl::StatusOr<Statement> insert = Statement::Prepare(
        db_,
        "INSERT INTO runs(mode, workspace_root, policy_path, cargo_args, "
        "started_ms, ended_ms, exit_status, resolution) VALUES (?1, ?2, "
        "?3, ?4, ?5, ?6, ?7, ?8)",
        "inserting run");
    if (!insert.ok()) return insert.status();
    return insert->Run(run.mode, run.workspace_root, run.policy_path,
                       run.cargo_args, run.started_ms, run.ended_ms,
                       run.exit_status,
                       static_cast<int>(ResolutionState::kResolving));
  });
  if (!status.ok()) return status;
  return sqlite3_last_insert_rowid(db_);
}

absl::Status Store::EndRun(int64_t run_id, int exit_status) {
  return InWriteTransaction(db_, "end of run", [&]() -> absl::Status {
    return UpdateRun(db_, "ending run",
                     "UPDATE runs SET ended_ms = ?1, exit_status = ?2 WHERE id = ?3",
                     NowMs(), exit_status, run_id);
  });
}

absl::Status Store::Resolve(int64_t run_id) {
  return InWriteTransaction(db_, "resolution", [&]() -> absl::Status {
    return UpdateRun(db_, "recording the resolution",
                     "UPDATE runs SET resolution = ?1 WHERE id = ?2",
                     static_cast<int>(ResolutionState::kRecorded), run_id);
  });
}

absl::Status Store::FailResolution(int64_t run_id) {
  return InWriteTransaction(db_, "resolution", [&]() -> absl::Status {
    return UpdateRun(db_, "recording the failed resolution",
                     "UPDATE runs SET resolution = ?1 WHERE id = ?2",
                     static_cast<int>(ResolutionState::kFailed), run_id);
  });
}

absl::StatusOr<int64_t> Store::AddInvocation(const InvocationRecord& invocation,
                                             const std::vector<Event>& events) {
  int64_t id = 0;
  absl::Status status =
      InWriteTransaction(db_, "invocation", [&]() -> absl::Status {
        absl::StatusOr<Statement> insert = Statement::Prepare(
            db_,
            "INSERT INTO invocations(run_id, package, version, source, "
            "sysroot, manifest_dir, out_dir, binary_sha256, started_ms, "
            "ended_ms, exit_status, notifications, peak_rss_kb) VALUES (?1, "
            "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            "inserting invocation");
        if (!insert.ok()) return insert.status();
        const InvocationRecord& i = invocation;
        WARDEN_RETURN_IF_ERROR(
            insert->Run(i.run_id, i.package, i.version, i.source, i.sysroot,
                        i.manifest_dir, i.out_dir, i.binary_sha256,
                        i.started_ms, i.ended_ms, i.exit_status,
                        i.notifications, i.peak_rss_kb));
        id = sqlite3_last_insert_rowid(db_);
        return InsertEvents(db_, id, events);
      });
  if (!status.ok()) return status;
  return id;
}

absl::Status Store::AddDirectives(const std::vector<Directive>& directives) {
  return InWriteTransaction(db_, "directives", [&]() -> absl::Status {
    absl::StatusOr<Statement> insert = Statement::Prepare(
        db_,
        "INSERT INTO directives(invocation_id, key, value) VALUES (?1, ?2, "
        "?3)",
        "inserting directive");
    if (!insert.ok()) return insert.status();
    for (const Directive& d : directives) {
      WARDEN_RETURN_IF_ERROR(insert->Run(d.invocation_id, d.key, d.value));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<RunRecord>> Store::GetRun(int64_t run_id) {
  const std::string sql =
      absl::StrCat("SELECT ", kRunColumns, " FROM runs WHERE id = ?1");
  absl::StatusOr<std::vector<RunRecord>> runs =
      Query<RunRecord>(db_, sql.c_str(), "reading run", RunFromRow, run_id);
  if (!runs.ok()) return runs.status();
  if (runs->empty()) return std::nullopt;
  return std::move(runs->front());
}

absl::StatusOr<std::vector<RunRecord>> Store::ListRuns(
    const std::string& workspace_root) {
  const std::string sql = absl::StrCat(
      "SELECT ", kRunColumns,
      " FROM runs WHERE workspace_root = ?1 ORDER BY started_ms DESC, id DESC");
  return Query<RunRecord>(db_, sql.c_str(), "listing runs", RunFromRow,
                          workspace_root);
}

absl::StatusOr<std::vector<InvocationRecord>> Store::Invocations(
    int64_t run_id) {
  return Query<InvocationRecord>(
      db_,
      "SELECT id, run_id, package, version, manifest_dir, out_dir, "
      "binary_sha256, started_ms, ended_ms, exit_status, notifications, "
      "peak_rss_kb, source, sysroot FROM invocations WHERE run_id = ?1 "
      "ORDER BY id",
      "reading invocations",
      [](const Statement& s) {
        InvocationRecord i;
        i.id = s.Int(0);
        i.run_id = s.Int(1);
        i.package = s.Text(2);
        i.version = s.Text(3);
        i.manifest_dir = s.Text(4);
        i.out_dir = s.Text(5);
        i.binary_sha256 = s.Text(6);
        i.started_ms = s.Int(7);
        i.ended_ms = s.Int(8);
        i.exit_status = static_cast<int>(s.Int(9));
        i.notifications = static_cast<uint64_t>(s.Int(10));
        i.peak_rss_kb = s.Int(11);
        i.source = s.Text(12);
        i.sysroot = s.Text(13);
        return i;
      },
      run_id);
}

absl::StatusOr<std::vector<StoredEvent>> Store::Events(int64_t run_id) {
  return Query<StoredEvent>(
      db_,
      "SELECT e.invocation_id, e.op, t.text, d.text, e.allowed, e.error, "
      "e.count FROM events e "
      "JOIN invocations i ON i.id = e.invocation_id "
      "JOIN strings t ON t.id = e.target_id "
      "JOIN strings d ON d.id = e.detail_id "
      "WHERE i.run_id = ?1 ORDER BY e.invocation_id, e.id",
      "reading events",
      [](const Statement& s) -> absl::StatusOr<StoredEvent> {
        const std::string op_name = s.Text(1);
        const std::optional<Op> op = OpFromName(op_name);
        if (!op.has_value()) {
          return absl::DataLossError(
              absl::StrCat("reading events: unknown op \"", op_name, "\""));
        }
        StoredEvent stored;
        stored.invocation_id = s.Int(0);
        stored.event.op = *op;
        stored.event.target = s.Text(2);
        stored.event.detail = s.Text(3);
        stored.event.allowed = s.Int(4) != 0;
        stored.event.error = static_cast<int>(s.Int(5));
        stored.event.count = static_cast<uint64_t>(s.Int(6));
        return stored;
      },
      run_id);
}

absl::StatusOr<std::vector<Directive>> Store::Directives(int64_t run_id) {
  return Query<Directive>(
      db_,
      "SELECT d.invocation_id, d.key, d.value FROM directives d "
      "JOIN invocations i ON i.id = d.invocation_id "
      "WHERE i.run_id = ?1 ORDER BY d.id",
      "reading directives",
      [](const Statement& s) {
        return Directive{s.Int(0), s.Text(1), s.Text(2)};
      },
      run_id);
}

}  // namespace warden

#undef WARDEN_RETURN_IF_ERROR
