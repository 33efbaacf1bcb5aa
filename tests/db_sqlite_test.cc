// The RAII SQLite layer (db/sqlite.h): transactions, statements, errors.
#include "db/sqlite.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/db_test_util.h"

namespace warden {
namespace {

using namespace dbtest;
using sqlite::Connection;
using sqlite::Statement;
using sqlite::WriteTransaction;

class SqliteTest : public StoreTest {
 protected:
  Connection Open(Connection::Options options = {}) {
    absl::StatusOr<Connection> db = Connection::Open(path_, options);
    EXPECT_TRUE(db.ok()) << db.status();
    return *std::move(db);
  }
  static int64_t Count(Connection& db) {
    absl::StatusOr<std::vector<int64_t>> n = sqlite::Query<int64_t>(
        db, "SELECT count(*) FROM t", "counting",
        [](const Statement& s) { return s.Int(0); });
    EXPECT_TRUE(n.ok()) << n.status();
    return n.ok() ? n->front() : -1;
  }
};

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
  Connection db = Open();
  ASSERT_TRUE(db.EnableWal().ok());
  ASSERT_TRUE(db.Exec("CREATE TABLE t (v TEXT)", "creating").ok());
  absl::StatusOr<Statement> insert =
      db.Prepare("INSERT INTO t(v) VALUES (?1)", "inserting");
  ASSERT_TRUE(insert.ok()) << insert.status();
  {
    absl::StatusOr<WriteTransaction> tx = WriteTransaction::Begin(db, "dropped");
    ASSERT_TRUE(tx.ok()) << tx.status();
    ASSERT_TRUE(insert->Run("gone").ok());
  }
  EXPECT_EQ(Count(db), 0);
  {
    absl::StatusOr<WriteTransaction> tx = WriteTransaction::Begin(db, "kept");
    ASSERT_TRUE(tx.ok()) << tx.status();
    ASSERT_TRUE(insert->Run("kept").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(Count(db), 1);
  EXPECT_EQ(RawDb(path_).Text("SELECT v FROM t"), "kept");
}

TEST_F(SqliteTest, ValuesRoundTripAndErrorsNameTheirPurpose) {
  Connection db = Open();
  ASSERT_TRUE(db.Exec("CREATE TABLE t (i INTEGER, s TEXT NOT NULL)", "creating").ok());
  absl::StatusOr<Statement> insert =
      db.Prepare("INSERT INTO t(i, s) VALUES (?1, ?2)", "inserting row");
  ASSERT_TRUE(insert.ok()) << insert.status();
  const std::string text("a\0b", 3);
  ASSERT_TRUE(insert->Run(int64_t{1} << 40, text).ok());
  EXPECT_EQ(db.LastInsertRowid(), 1);
  absl::StatusOr<std::vector<std::string>> rows = sqlite::Query<std::string>(
      db, "SELECT i || ':' || length(CAST(s AS BLOB)), s FROM t", "reading",
      [](const Statement& s) { return s.Text(0) + "/" + s.Text(1); });
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ(rows->front(), "1099511627776:3/" + text);

  absl::StatusOr<Statement> bad = db.Prepare("SELEKT 1", "reading nothing");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(Contains(bad.status().message(), "preparing reading nothing: "))
      << bad.status();
  absl::StatusOr<Statement> null_text =
      db.Prepare("INSERT INTO t(i, s) VALUES (?1, NULL)", "inserting null");
  ASSERT_TRUE(null_text.ok()) << null_text.status();
  absl::Status status = null_text->Run(2);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(status.message(), "inserting null: NOT NULL constraint"))
      << status;
}

// A lock held longer than the busy timeout: the writer gives up with
// kUnavailable, saying what it was about to write.
TEST_F(SqliteTest, LockHeldPastTheBusyTimeoutIsUnavailable) {
  {
    Connection db = Open();
    ASSERT_TRUE(db.EnableWal().ok());
    ASSERT_TRUE(db.Exec("CREATE TABLE t (v TEXT)", "creating").ok());
  }
  RawDb holder(path_);
  holder.Exec("BEGIN IMMEDIATE");
  Connection db = Open({.busy_timeout = std::chrono::milliseconds(200)});
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<WriteTransaction> tx = WriteTransaction::Begin(db, "a run");
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(tx.ok());
  EXPECT_EQ(tx.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(Contains(tx.status().message(),
                       "starting transaction for a run: database is locked"))
      << tx.status();
  EXPECT_GE(waited, std::chrono::milliseconds(200));
  EXPECT_LT(waited, std::chrono::seconds(5));
  holder.Exec("COMMIT");
  EXPECT_TRUE(WriteTransaction::Begin(db, "a run").ok());
}

}  // namespace
}  // namespace warden
