// The database schema: numbered migration steps, applied in order.
//
// Tables (see the steps in db/schema.cc for columns):
//   runs         one `cargo warden learn|enforce`, and its resolution state
//   invocations  one build-script run under a supervisor
//   strings      interned event targets and details
//   events       what an invocation did or tried, with a count
//   directives   cargo: lines a build script printed
//   call_costs   the supervisor's time per syscall and answer, per invocation
#ifndef WARDEN_DB_SCHEMA_H_
#define WARDEN_DB_SCHEMA_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace warden {

namespace sqlite {
class Connection;
}  // namespace sqlite

// kSchemaVersion is the number of migration steps, stored in the database
// as PRAGMA user_version.
inline constexpr int kSchemaVersion = 4;

// Migrate brings the database up to kSchemaVersion in one transaction. It
// fails with FailedPrecondition, naming the database's path, if the database
// is newer than this warden or is not a warden database (schema version 0,
// yet tables).
absl::Status Migrate(sqlite::Connection& db);

// CheckCompatible is Migrate's check alone, without taking the write lock:
// Store::Open makes it before it switches the file to WAL mode, so that
// another program's database is left as it was.
absl::Status CheckCompatible(sqlite::Connection& db);

// MigrateTo is Migrate to `version` (at most kSchemaVersion); tests use it to
// make databases as older wardens left them.
absl::Status MigrateTo(sqlite::Connection& db, int version);

// SchemaVersion reads the database's PRAGMA user_version.
absl::StatusOr<int> SchemaVersion(sqlite::Connection& db);

}  // namespace warden

#endif  // WARDEN_DB_SCHEMA_H_
