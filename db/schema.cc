#include "db/schema.h"

#include <cstddef>
#include <iterator>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "db/sqlite.h"

namespace warden {
namespace {

// Migration takes a database from schema version `version - 1` to `version`.
struct Migration {
  int version;
  const char* sql;
};

// The steps, in order. Append new ones; never edit a released one: a fresh
// database is made by running all of them, so old and new files agree.
//
// Event targets and details repeat heavily (the same shared libraries are read
// by every build script), so they are interned in `strings` and events refer
// to them by id. That keeps the database around 80 bytes per event (see
// EventsCostAtMost200BytesEach in tests/db_store_test.cc).
constexpr Migration kMigrations[] = {
    {1, R"sql(
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
)sql"},
    // Runs written before this step were resolved before their build. Each
    // invocation now carries its package's source, which the supervisor
    // reads from Cargo.lock (the per-run package list had only that use),
    // and rustc's sysroot ('' before: callers then ask rustc).
    {2, R"sql(
ALTER TABLE runs ADD COLUMN resolution INTEGER NOT NULL DEFAULT 1;
ALTER TABLE invocations ADD COLUMN source TEXT NOT NULL DEFAULT 'path';
ALTER TABLE invocations ADD COLUMN sysroot TEXT NOT NULL DEFAULT '';
UPDATE invocations SET source = coalesce((
  SELECT p.source FROM packages p
  WHERE p.run_id = invocations.run_id AND p.name = invocations.package AND
        p.version = invocations.version AND
        p.manifest_dir = invocations.manifest_dir), 'path');
DROP TABLE packages;
)sql"},
    // Each invocation keeps every path variable its supervisor matched
    // with, so a report, show or diff run by another user or from another
    // shell expands them as the supervisor did. Rows written before this
    // step have paths_recorded 0: readers rebuild those as before.
    {3, R"sql(
ALTER TABLE invocations ADD COLUMN paths_recorded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invocations ADD COLUMN target_dir TEXT NOT NULL DEFAULT '';
ALTER TABLE invocations ADD COLUMN workspace_root TEXT NOT NULL DEFAULT '';
ALTER TABLE invocations ADD COLUMN home TEXT NOT NULL DEFAULT '';
ALTER TABLE invocations ADD COLUMN cargo_home TEXT NOT NULL DEFAULT '';
ALTER TABLE invocations ADD COLUMN rustup_home TEXT NOT NULL DEFAULT '';
ALTER TABLE invocations ADD COLUMN tmp TEXT NOT NULL DEFAULT '';
ALTER TABLE invocations ADD COLUMN path TEXT NOT NULL DEFAULT '';
)sql"},
    // What the supervisor's answers cost, per syscall and kind of answer
    // (tracer/event.h CallCost), so a benchmark can price each kind inside
    // real builds.
    {4, R"sql(
CREATE TABLE call_costs (
  invocation_id INTEGER NOT NULL REFERENCES invocations(id),
  syscall TEXT NOT NULL,
  answer TEXT NOT NULL,
  calls INTEGER NOT NULL,
  nanos INTEGER NOT NULL
);
CREATE INDEX call_costs_by_invocation ON call_costs(invocation_id);
)sql"},
};

constexpr bool NumberedInOrder() {
  for (size_t i = 0; i < std::size(kMigrations); ++i)
    if (kMigrations[i].version != static_cast<int>(i) + 1) return false;
  return true;
}
static_assert(NumberedInOrder(), "kMigrations[i] must be step i + 1");
static_assert(std::size(kMigrations) == kSchemaVersion,
              "kSchemaVersion must be the number of the last step");

absl::Status CheckNotNewer(int version, absl::string_view path) {
  if (version <= kSchemaVersion) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrFormat(
      "%s: DB was written by a newer warden (schema %d, this warden knows %d)",
      path, version, kSchemaVersion));
}

// CheckEmpty makes sure a database without a schema version is a new one,
// not another program's SQLite file that warden's tables would be added to.
absl::Status CheckEmpty(sqlite::Connection& db) {
  absl::StatusOr<std::vector<int64_t>> objects = sqlite::Query<int64_t>(
      db, "SELECT count(*) FROM sqlite_master",
      absl::StrCat("reading the tables of ", db.path()),
      [](const sqlite::Statement& s) { return s.Int(0); });
  if (!objects.ok()) return objects.status();
  if (objects->empty() || objects->front() == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      db.path(), ": not a warden database (it has tables but no warden "
      "schema version)"));
}

// CompatibleVersion is the schema version of a database this warden can use
// (one of its own, or a new one).
absl::StatusOr<int> CompatibleVersion(sqlite::Connection& db) {
  absl::StatusOr<int> version = SchemaVersion(db);
  if (!version.ok()) return version.status();
  WARDEN_RETURN_IF_ERROR(CheckNotNewer(*version, db.path()));
  if (*version == 0) WARDEN_RETURN_IF_ERROR(CheckEmpty(db));
  return *version;
}

// Steps applies the steps after `from` up to `to` and records the version.
absl::Status Steps(sqlite::Connection& db, int from, int to) {
  for (int v = from; v < to; ++v) {
    WARDEN_RETURN_IF_ERROR(db.Exec(
        kMigrations[v].sql,
        absl::StrFormat("migrating %s to schema %d", db.path(), v + 1)));
  }
  const std::string set_version = absl::StrCat("PRAGMA user_version = ", to);
  return db.Exec(set_version.c_str(),
                 absl::StrCat("setting schema version of ", db.path()));
}

}  // namespace

absl::StatusOr<int> SchemaVersion(sqlite::Connection& db) {
  absl::StatusOr<std::vector<int>> version = sqlite::Query<int>(
      db, "PRAGMA user_version",
      absl::StrCat("reading schema version of ", db.path()),
      [](const sqlite::Statement& s) { return static_cast<int>(s.Int(0)); });
  if (!version.ok()) return version.status();
  return version->empty() ? 0 : version->front();
}

// The version is read again under the write lock: another process may have
// migrated while this one waited.
absl::Status MigrateTo(sqlite::Connection& db, int version) {
  absl::StatusOr<int> before = CompatibleVersion(db);
  if (!before.ok()) return before.status();
  if (*before >= version) return absl::OkStatus();
  return sqlite::InWriteTransaction(
      db, absl::StrCat("schema migration of ", db.path()),
      [&]() -> absl::Status {
        absl::StatusOr<int> current = CompatibleVersion(db);
        if (!current.ok()) return current.status();
        if (*current >= version) return absl::OkStatus();
        return Steps(db, *current, version);
      });
}

absl::Status CheckCompatible(sqlite::Connection& db) {
  return CompatibleVersion(db).status();
}

absl::Status Migrate(sqlite::Connection& db) {
  return MigrateTo(db, kSchemaVersion);
}

}  // namespace warden
