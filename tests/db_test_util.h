// Helpers shared by the db/ unit tests: sample records, raw SQLite access to
// check what Store wrote, forked writers, and a fixture with a fresh path.
#ifndef WARDEN_TESTS_DB_TEST_UTIL_H_
#define WARDEN_TESTS_DB_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "absl/strings/string_view.h"
#include "db/store.h"

namespace warden::dbtest {

// Field-wise views of the records, so EXPECT_EQ can compare and print them.
inline auto Tie(const RunRecord& r) {
  return std::tie(r.id, r.mode, r.workspace_root, r.policy_path, r.cargo_args,
                  r.started_ms, r.ended_ms, r.exit_status, r.resolution);
}
inline auto Tie(const InvocationRecord& i) {
  return std::tie(i.id, i.run_id, i.package, i.version, i.source, i.sysroot,
                  i.manifest_dir, i.out_dir, i.binary_sha256, i.started_ms,
                  i.ended_ms, i.exit_status, i.notifications, i.peak_rss_kb);
}
inline auto Tie(const Event& e) {
  return std::tie(e.op, e.target, e.detail, e.allowed, e.error, e.count);
}
inline auto Tie(const Directive& d) {
  return std::tie(d.invocation_id, d.key, d.value);
}

inline bool Contains(absl::string_view haystack, absl::string_view needle) {
  return haystack.find(needle) != absl::string_view::npos;
}

inline RunRecord MakeRun(const std::string& workspace, int64_t started_ms) {
  RunRecord run;
  run.mode = "learn";
  run.workspace_root = workspace;
  run.policy_path = workspace + "/warden.yaml";
  run.cargo_args = "build --release";
  run.started_ms = started_ms;
  return run;
}

inline InvocationRecord MakeInvocation(int64_t run_id, const std::string& package) {
  InvocationRecord inv;
  inv.run_id = run_id;
  inv.package = package;
  inv.version = "1.2.3";
  inv.source = "registry";
  inv.sysroot = "/home/dev/.rustup/toolchains/stable-x86_64-unknown-linux-gnu";
  inv.manifest_dir = "/home/dev/.cargo/registry/src/" + package + "-1.2.3";
  inv.out_dir = "/home/dev/proj/target/debug/build/" + package + "-9f8e/out";
  inv.binary_sha256 = std::string(64, 'a');
  inv.started_ms = 1700000000000;
  inv.ended_ms = 1700000001234;
  inv.exit_status = 0;
  inv.notifications = 4242;
  inv.peak_rss_kb = 8192;
  return inv;
}

inline Event MakeEvent(Op op, std::string target, std::string detail = "") {
  Event e;
  e.op = op;
  e.target = std::move(target);
  e.detail = std::move(detail);
  return e;
}

// RawDb is direct SQLite access for checking what Store wrote.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~RawDb() { sqlite3_close(db_); }

  void Exec(const std::string& sql) {
    EXPECT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db_);
  }

  // Text of the first column of the first row ("" if there is none).
  std::string Text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db_);
    std::string text;
    if (sqlite3_step(stmt) == SQLITE_ROW) {
      const unsigned char* value = sqlite3_column_text(stmt, 0);
      if (value != nullptr) text = reinterpret_cast<const char*>(value);
    }
    sqlite3_finalize(stmt);
    return text;
  }
  int64_t Int(const std::string& sql) { return std::stoll(Text(sql)); }

 private:
  sqlite3* db_ = nullptr;
};

// Fork runs `body` in a child process and returns its exit status as
// waitpid reports it; the child exits 0 when `body` returns true.
inline pid_t Fork(const std::function<bool()>& body) {
  const pid_t pid = fork();
  if (pid == 0) _exit(body() ? 0 : 1);
  return pid;
}

inline bool ExitedCleanly(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// StoreTest gives each test a database path, path_, in a fresh directory
// dir_ (the database's own directory, dir_/state, does not exist yet).
class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir_template =
        std::filesystem::temp_directory_path() / "warden-db-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template.data()), nullptr) << std::strerror(errno);
    dir_ = dir_template;
    path_ = dir_ + "/state/warden.db";
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::unique_ptr<Store> OpenStore() {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? *std::move(store) : nullptr;
  }

  std::string dir_;
  std::string path_;
};

}  // namespace warden::dbtest

#endif  // WARDEN_TESTS_DB_TEST_UTIL_H_
