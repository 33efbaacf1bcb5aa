// A small RAII layer over SQLite's C API: a connection, prepared statements
// and a write-transaction guard. Errors are absl::Status values whose message
// starts with what the caller was doing ("inserting event: ...").
//
//   absl::StatusOr<sqlite::Connection> db = sqlite::Connection::Open(path, {});
//   absl::StatusOr<sqlite::WriteTransaction> tx =
//       sqlite::WriteTransaction::Begin(*db, "run");
//   absl::StatusOr<sqlite::Statement> insert =
//       db->Prepare("INSERT INTO t(a, b) VALUES (?1, ?2)", "inserting row");
//   ... insert->Run(42, text) ...
//   tx->Commit();  // a guard destroyed without Commit rolls back
//
// None of these classes is thread safe; use one connection per thread.
#ifndef WARDEN_DB_SQLITE_H_
#define WARDEN_DB_SQLITE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace warden::sqlite {

// WARDEN_RETURN_IF_ERROR returns the status of `expr` if it is an error.
#define WARDEN_RETURN_IF_ERROR(expr)          \
  do {                                        \
    if (absl::Status s_ = (expr); !s_.ok()) { \
      return s_;                              \
    }                                         \
  } while (0)

// Statement owns one prepared statement of a Connection, which must outlive
// it. Every error it reports is prefixed with its purpose.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Bind resets the statement and binds `args` to parameters ?1, ?2, ... in
  // order. Integers (and bools) bind as INTEGER, strings as TEXT. Strings are
  // not copied: they must outlive the statement's execution.
  template <typename... Args>
  absl::Status Bind(const Args&... args) {
    Reset();
    [[maybe_unused]] int index = 0;
    int rc = 0;  // SQLITE_OK
    ((rc = rc == 0 ? BindOne(++index, args) : rc), ...);
    return Check(rc);
  }

  // Step advances to the next row: true if there is one, false when done.
  absl::StatusOr<bool> Step();

  // Run binds `args` and executes a statement that returns no rows.
  template <typename... Args>
  absl::Status Run(const Args&... args) {
    WARDEN_RETURN_IF_ERROR(Bind(args...));
    return Step().status();
  }

  // Columns of the current row, counted from 0.
  int64_t Int(int column) const;
  std::string Text(int column) const;

 private:
  friend class Connection;
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string purpose);

  template <typename T>
  int BindOne(int index, const T& value) {
    if constexpr (std::is_integral_v<T>) {
      return BindInt(index, static_cast<int64_t>(value));
    } else {
      return BindText(index, std::string_view(value));
    }
  }
  int BindInt(int index, int64_t value);
  int BindText(int index, std::string_view text);
  void Reset();
  absl::Status Check(int rc) const;

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string purpose_;
};

// Connection owns one database connection (sqlite3_close_v2 on destruction).
class Connection {
 public:
  struct Options {
    // How long a call waits for a lock another connection holds, both in
    // SQLite's busy handler and in Exec's retries of what it does not cover.
    std::chrono::milliseconds busy_timeout = std::chrono::seconds(60);
    // Whether closing the last connection folds the write-ahead log into the
    // database file (which costs an fsync).
    bool checkpoint_on_close = true;
  };

  // Open opens or creates the database at `path`, creating its directory.
  // Errors name the path and, when it is the cause, an unwritable directory.
  static absl::StatusOr<Connection> Open(const std::string& path,
                                         const Options& options);
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&&) = delete;
  ~Connection();

  const std::string& path() const { return path_; }

  // Exec runs SQL without results (pragmas, transaction control,
  // migrations), retrying while the database is busy. A retry reruns all of
  // `sql`, so multi-statement SQL must be idempotent or run inside a write
  // transaction, where it cannot meet BUSY.
  absl::Status Exec(const char* sql, absl::string_view purpose);

  // ExecText is Exec for one statement that returns a value ("PRAGMA
  // journal_mode = WAL"): the first column of its first row, "" if none.
  absl::StatusOr<std::string> ExecText(const char* sql,
                                       absl::string_view purpose);

  absl::StatusOr<Statement> Prepare(const char* sql, std::string purpose);

  // EnableWal switches to write-ahead logging, which lets readers and one
  // writer proceed concurrently, and fails if SQLite stays in another mode.
  absl::Status EnableWal();

  // The rowid of the last INSERT and the rows the last statement changed.
  int64_t LastInsertRowid() const;
  int Changes() const;

 private:
  friend class WriteTransaction;
  Connection(sqlite3* db, std::string path, std::chrono::milliseconds busy);
  bool InTransaction() const;
  template <typename Attempt>
  int RetryWhileBusy(Attempt attempt);

  sqlite3* db_;
  std::string path_;
  std::chrono::milliseconds busy_timeout_;
};

// WriteTransaction holds BEGIN IMMEDIATE ... COMMIT on a connection, which
// must outlive it; destroyed before Commit, it rolls back. Writes take the
// write lock up front: a deferred transaction that later upgrades can
// deadlock with another writer, and SQLite then fails at once instead of
// waiting.
class WriteTransaction {
 public:
  static absl::StatusOr<WriteTransaction> Begin(Connection& db,
                                                absl::string_view purpose);
  WriteTransaction(WriteTransaction&& other) noexcept;
  WriteTransaction& operator=(WriteTransaction&&) = delete;
  ~WriteTransaction();

  absl::Status Commit();

 private:
  WriteTransaction(Connection& db, std::string purpose);

  Connection* db_;  // null once committed or moved from
  std::string purpose_;
};

// InWriteTransaction runs `body` (returning absl::Status) in a write
// transaction and commits if it succeeds.
template <typename Body>
absl::Status InWriteTransaction(Connection& db, absl::string_view purpose,
                                Body body) {
  absl::StatusOr<WriteTransaction> tx = WriteTransaction::Begin(db, purpose);
  if (!tx.ok()) return tx.status();
  WARDEN_RETURN_IF_ERROR(body());
  return tx->Commit();
}

// Query runs `sql` with `args` and converts each row with `convert`, which
// returns T or absl::StatusOr<T>.
template <typename T, typename Convert, typename... Args>
absl::StatusOr<std::vector<T>> Query(Connection& db, const char* sql,
                                     std::string purpose, Convert convert,
                                     const Args&... args) {
  absl::StatusOr<Statement> stmt = db.Prepare(sql, std::move(purpose));
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

}  // namespace warden::sqlite

#endif  // WARDEN_DB_SQLITE_H_
