// Schema versions and migrations (db/schema.h), through Store::Open as
// warden opens databases.
#include "db/schema.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "db/sqlite.h"
#include "db/store.h"
#include "tests/db_test_util.h"

namespace warden {
namespace {

using namespace dbtest;

class SchemaTest : public StoreTest {};

// Schema is everything SQLite knows of the tables and indexes, in a stable
// order.
std::string Schema(const std::string& path) {
  return RawDb(path).Text(
      "SELECT group_concat(type || ' ' || name || ': ' || sql, char(10)) "
      "FROM (SELECT * FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name)");
}

// MakeOldDatabase leaves at `path` a database as the warden of schema
// `version` wrote it.
void MakeOldDatabase(const std::string& path, int version) {
  absl::StatusOr<sqlite::Connection> db = sqlite::Connection::Open(path, {});
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(db->EnableWal().ok());
  absl::Status migrated = MigrateTo(*db, version);
  ASSERT_TRUE(migrated.ok()) << migrated;
  absl::StatusOr<int> got = SchemaVersion(*db);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(*got, version);
}

// However old the file, migrating it ends at exactly the fresh schema.
TEST_F(SchemaTest, EveryOldVersionMigratesToTheFreshSchema) {
  ASSERT_NE(OpenStore(), nullptr);
  const std::string fresh = Schema(path_);
  ASSERT_FALSE(fresh.empty());
  for (int version = 0; version < kSchemaVersion; ++version) {
    SCOPED_TRACE(absl::StrCat("from schema ", version));
    const std::string old = absl::StrCat(dir_, "/v", version, ".db");
    MakeOldDatabase(old, version);
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(old);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(Schema(old), fresh);
    EXPECT_EQ(RawDb(old).Int("PRAGMA user_version"), kSchemaVersion);
  }
}

TEST_F(SchemaTest, RefusesNewerSchema) {
  ASSERT_NE(OpenStore(), nullptr);
  RawDb(path_).Exec(absl::StrCat("PRAGMA user_version = ", kSchemaVersion + 1));
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(
      store.status().message(),
      absl::StrFormat(
          "%s: DB was written by a newer warden (schema %d, this warden knows "
          "%d)",
          path_, kSchemaVersion + 1, kSchemaVersion)))
      << store.status();
}

// A database from schema 1 (package lists per run, no resolution states)
// opens; its runs count as resolved.
TEST_F(SchemaTest, MigratesSchemaOneRunsAsRecorded) {
  MakeOldDatabase(path_, 1);
  RawDb(path_).Exec(
      "INSERT INTO runs VALUES (7, 'learn', '/ws', '/ws/warden.yaml', "
      "'build', 1, 2, 0);"
      "INSERT INTO packages VALUES (1, 7, 'ring', '0.17.8', 'registry', "
      "'/reg/ring');"
      "INSERT INTO invocations VALUES (3, 7, 'ring', '0.17.8', '/reg/ring', "
      "'/o', 'aa', 1, 2, 0, 5, 6);"
      "INSERT INTO invocations VALUES (4, 7, 'mine', '0.1.0', '/ws/mine', "
      "'/o', 'aa', 1, 2, 0, 5, 6);");
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(RawDb(path_).Int("PRAGMA user_version"), kSchemaVersion);
  absl::StatusOr<std::optional<RunRecord>> run = store->GetRun(7);
  ASSERT_TRUE(run.ok() && run->has_value()) << run.status();
  EXPECT_EQ((*run)->resolution, ResolutionState::kRecorded);
  // Each invocation took its source from the run's package list, now gone.
  absl::StatusOr<std::vector<InvocationRecord>> invs = store->Invocations(7);
  ASSERT_TRUE(invs.ok()) << invs.status();
  ASSERT_EQ(invs->size(), 2u);
  EXPECT_EQ((*invs)[0].source, "registry");
  EXPECT_EQ((*invs)[1].source, "path");
  EXPECT_EQ((*invs)[0].sysroot, "");
  EXPECT_EQ(RawDb(path_).Int(
                "SELECT count(*) FROM sqlite_master WHERE name = 'packages'"),
            0);
}

// A database from schema 2 opens: its invocations read as before, without
// recorded path variables (readers rebuild those), and new ones keep theirs.
TEST_F(SchemaTest, MigratesSchemaTwoInvocationsWithoutRecordedPaths) {
  MakeOldDatabase(path_, 2);
  RawDb(path_).Exec(
      "INSERT INTO runs VALUES (7, 'learn', '/ws', '/ws/warden.yaml', "
      "'build', 1, 2, 0, 1);"
      "INSERT INTO invocations VALUES (3, 7, 'ring', '0.17.8', '/reg/ring', "
      "'/t/debug/build/ring-1/out', 'aa', 1, 2, 0, 5, 6, 'registry', '/sysroot');");
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(RawDb(path_).Int("PRAGMA user_version"), kSchemaVersion);
  InvocationRecord added;
  added.run_id = 7;
  added.package = "cc";
  added.version = "1.0.0";
  added.out_dir = "/t2/debug/build/cc-2/out";
  added.paths = RecordedPaths{"/t2", "/ws", "/home/u", "/home/u/.cargo",
                              "/home/u/.rustup", "/scratch", "/usr/bin:/bin"};
  ASSERT_TRUE(store->AddInvocation(added, {}).ok());
  absl::StatusOr<std::vector<InvocationRecord>> invs = store->Invocations(7);
  ASSERT_TRUE(invs.ok()) << invs.status();
  ASSERT_EQ(invs->size(), 2u);
  EXPECT_EQ((*invs)[0].package, "ring");
  EXPECT_EQ((*invs)[0].source, "registry");
  EXPECT_EQ((*invs)[0].sysroot, "/sysroot");
  EXPECT_EQ((*invs)[0].out_dir, "/t/debug/build/ring-1/out");
  EXPECT_FALSE((*invs)[0].paths.has_value());
  ASSERT_TRUE((*invs)[1].paths.has_value());
  EXPECT_EQ((*invs)[1].paths->target_dir, "/t2");
  EXPECT_EQ((*invs)[1].paths->tmp, "/scratch");
  EXPECT_EQ((*invs)[1].paths->path, "/usr/bin:/bin");
}

// --db pointed at something else: the error names the file.
TEST_F(SchemaTest, FileThatIsNotADatabaseNamesThePath) {
  std::filesystem::create_directories(dir_ + "/state");
  std::ofstream(path_) << "# not a database\n" << std::string(4096, 'x');
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(Contains(store.status().message(), path_)) << store.status();
  EXPECT_TRUE(Contains(store.status().message(), "not a database"))
      << store.status();
}

// Another program's SQLite file is left alone: no warden tables are added.
TEST_F(SchemaTest, OtherProgramsDatabaseNamesThePathAndStaysUntouched) {
  std::filesystem::create_directories(dir_ + "/state");
  RawDb(path_).Exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
  const std::string before = Schema(path_);
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Contains(store.status().message(),
                       absl::StrCat(path_, ": not a warden database")))
      << store.status();
  EXPECT_EQ(Schema(path_), before);
  EXPECT_EQ(RawDb(path_).Int("PRAGMA user_version"), 0);
  EXPECT_EQ(RawDb(path_).Text("PRAGMA journal_mode"), "delete");
}

}  // namespace
}  // namespace warden
