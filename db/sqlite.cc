#include "db/sqlite.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <thread>

#include "absl/strings/str_cat.h"

namespace warden::sqlite {
namespace {

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

// Error turns a failed call into "<purpose>: <sqlite message>".
absl::Status Error(sqlite3* db, int rc, absl::string_view purpose) {
  return absl::Status(CodeFor(rc),
                      absl::StrCat(purpose, ": ", sqlite3_errmsg(db)));
}

bool IsBusy(int rc) {
  return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
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
  absl::Status status = Error(db, rc, absl::StrCat("opening ", path));
  const std::string parent = ParentDirectory(path);
  if (!parent.empty() && access(parent.c_str(), W_OK | X_OK) != 0) {
    return absl::Status(
        status.code(),
        absl::StrCat(status.message(), " (directory ", parent,
                     " is not writable: ", std::strerror(errno), ")"));
  }
  return status;
}

}  // namespace

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::string purpose)
    : db_(db), stmt_(stmt), purpose_(std::move(purpose)) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      purpose_(std::move(other.purpose_)) {}

Statement::~Statement() { sqlite3_finalize(stmt_); }

absl::StatusOr<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error(db_, rc, purpose_);
}

int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

std::string Statement::Text(int column) const {
  const auto* text =
      reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  return text == nullptr
             ? std::string()
             : std::string(text, sqlite3_column_bytes(stmt_, column));
}

int Statement::BindInt(int index, int64_t value) {
  return sqlite3_bind_int64(stmt_, index, static_cast<sqlite3_int64>(value));
}

int Statement::BindText(int index, std::string_view text) {
  return sqlite3_bind_text64(stmt_, index, text.data(), text.size(),
                             SQLITE_STATIC, SQLITE_UTF8);
}

void Statement::Reset() { sqlite3_reset(stmt_); }

absl::Status Statement::Check(int rc) const {
  if (rc != SQLITE_OK) return Error(db_, rc, purpose_);
  return absl::OkStatus();
}

absl::StatusOr<Connection> Connection::Open(const std::string& path,
                                            const Options& options) {
  WARDEN_RETURN_IF_ERROR(CreateParentDirectory(path));
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  // The handle exists even when opening failed and must be closed.
  Connection connection(db, path, options.busy_timeout);
  if (rc != SQLITE_OK) return OpenError(db, rc, path);
  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout.count()));
  if (!options.checkpoint_on_close)
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  return connection;
}

Connection::Connection(sqlite3* db, std::string path,
                       std::chrono::milliseconds busy)
    : db_(db), path_(std::move(path)), busy_timeout_(busy) {}

Connection::Connection(Connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      busy_timeout_(other.busy_timeout_) {}

Connection::~Connection() { sqlite3_close_v2(db_); }

// RetryWhileBusy repeats `attempt` (returning an SQLite result code) while it
// reports SQLITE_BUSY or SQLITE_LOCKED, for up to the busy timeout. The busy
// handler already waits inside most calls; this covers the cases where SQLite
// returns BUSY at once (WAL recovery, journal-mode switches).
template <typename Attempt>
int Connection::RetryWhileBusy(Attempt attempt) {
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout_;
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

absl::Status Connection::Exec(const char* sql, absl::string_view purpose) {
  const int rc = RetryWhileBusy(
      [&] { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr); });
  if (rc != SQLITE_OK) return Error(db_, rc, purpose);
  return absl::OkStatus();
}

absl::StatusOr<std::string> Connection::ExecText(const char* sql,
                                                 absl::string_view purpose) {
  std::string value;
  const auto capture = [](void* out, int columns, char** values, char**) {
    if (columns > 0 && values[0] != nullptr) {
      *static_cast<std::string*>(out) = values[0];
    }
    return 0;
  };
  const int rc = RetryWhileBusy([&] {
    value.clear();
    return sqlite3_exec(db_, sql, capture, &value, nullptr);
  });
  if (rc != SQLITE_OK) return Error(db_, rc, purpose);
  return value;
}

absl::StatusOr<Statement> Connection::Prepare(const char* sql,
                                              std::string purpose) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return Error(db_, rc, absl::StrCat("preparing ", purpose));
  }
  return Statement(db_, stmt, std::move(purpose));
}

// SQLite reports the resulting mode rather than failing when it cannot
// switch, so the answer is checked.
absl::Status Connection::EnableWal() {
  const std::string purpose = absl::StrCat("enabling WAL on ", path_);
  absl::StatusOr<std::string> mode =
      ExecText("PRAGMA journal_mode = WAL", purpose);
  if (!mode.ok()) return mode.status();
  if (*mode != "wal") {
    return absl::FailedPreconditionError(
        absl::StrCat(purpose, ": journal mode stayed \"", *mode, "\""));
  }
  return absl::OkStatus();
}

int64_t Connection::LastInsertRowid() const {
  return sqlite3_last_insert_rowid(db_);
}

int Connection::Changes() const { return sqlite3_changes(db_); }

bool Connection::InTransaction() const { return !sqlite3_get_autocommit(db_); }

WriteTransaction::WriteTransaction(Connection& db, std::string purpose)
    : db_(&db), purpose_(std::move(purpose)) {}

WriteTransaction::WriteTransaction(WriteTransaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      purpose_(std::move(other.purpose_)) {}

absl::StatusOr<WriteTransaction> WriteTransaction::Begin(
    Connection& db, absl::string_view purpose) {
  WARDEN_RETURN_IF_ERROR(db.Exec(
      "BEGIN IMMEDIATE", absl::StrCat("starting transaction for ", purpose)));
  return WriteTransaction(db, std::string(purpose));
}

absl::Status WriteTransaction::Commit() {
  WARDEN_RETURN_IF_ERROR(
      db_->Exec("COMMIT", absl::StrCat("committing ", purpose_)));
  db_ = nullptr;
  return absl::OkStatus();
}

// A failed COMMIT may have ended the transaction already.
WriteTransaction::~WriteTransaction() {
  if (db_ != nullptr && db_->InTransaction())
    sqlite3_exec(db_->db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

}  // namespace warden::sqlite
