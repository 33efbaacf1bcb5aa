// The cargo-warden <-> warden-shim protocol as the database carries it (see
// the comment at the top of db/store.h): the failure cases, with separate
// connections and processes standing in for the two sides.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "db/store.h"
#include "tests/db_test_util.h"

namespace warden {
namespace {

using namespace dbtest;

class ProtocolTest : public StoreTest {};
using std::chrono::milliseconds;
using std::chrono::steady_clock;

// A shim's view: its own connection, as warden-shim opens it.
std::unique_ptr<Store> OpenAsShim(const std::string& path) {
  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::Open(path, Store::OnClose::kLeaveWal);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

std::optional<RunRecord> Poll(Store& store, int64_t run_id) {
  absl::StatusOr<std::optional<RunRecord>> run = store.GetRun(run_id);
  EXPECT_TRUE(run.ok()) << run.status();
  return run.ok() ? *run : std::nullopt;
}

// A pipe one process signals the other through, one byte at a time.
class Signal {
 public:
  Signal() { EXPECT_EQ(pipe(fds_), 0); }
  ~Signal() {
    close(fds_[0]);
    close(fds_[1]);
  }
  bool Send() { return write(fds_[1], "x", 1) == 1; }
  bool Wait() {
    char byte;
    return read(fds_[0], &byte, 1) == 1;
  }

 private:
  int fds_[2] = {-1, -1};
};

TEST_F(ProtocolTest, ResolutionWrittenBeforeTheShimPollsIsSeenAtOnce) {
  std::unique_ptr<Store> warden = OpenStore();
  ASSERT_NE(warden, nullptr);
  absl::StatusOr<int64_t> recorded = warden->BeginRun(MakeRun("/ws", 1));
  absl::StatusOr<int64_t> failed = warden->BeginRun(MakeRun("/ws", 2));
  ASSERT_TRUE(recorded.ok() && failed.ok());
  ASSERT_TRUE(warden->Resolve(*recorded).ok());
  ASSERT_TRUE(warden->FailResolution(*failed).ok());

  std::unique_ptr<Store> shim = OpenAsShim(path_);
  ASSERT_NE(shim, nullptr);
  EXPECT_EQ(Poll(*shim, *recorded)->resolution, ResolutionState::kRecorded);
  EXPECT_EQ(Poll(*shim, *failed)->resolution, ResolutionState::kFailed);
}

// A shim that keeps its connection open and polls sees a later commit: no
// poll reads a stale snapshot.
TEST_F(ProtocolTest, PollingShimSeesTheResolutionWhenItComes) {
  std::unique_ptr<Store> warden = OpenStore();
  ASSERT_NE(warden, nullptr);
  absl::StatusOr<int64_t> run = warden->BeginRun(MakeRun("/ws", 1));
  ASSERT_TRUE(run.ok()) << run.status();
  warden.reset();  // No SQLite connection may cross fork().

  Signal polling;
  const pid_t shim = Fork([&] {
    std::unique_ptr<Store> store = OpenAsShim(path_);
    if (store == nullptr) return false;
    const auto deadline = steady_clock::now() + std::chrono::seconds(10);
    bool signalled = false;
    while (steady_clock::now() < deadline) {
      std::optional<RunRecord> r = Poll(*store, *run);
      if (!r.has_value()) return false;
      if (r->resolution == ResolutionState::kRecorded) return signalled;
      if (!signalled) signalled = polling.Send();
      std::this_thread::sleep_for(milliseconds(5));
    }
    return false;
  });
  ASSERT_TRUE(polling.Wait());
  warden = OpenStore();
  ASSERT_NE(warden, nullptr);
  ASSERT_TRUE(warden->Resolve(*run).ok());
  EXPECT_TRUE(ExitedCleanly(shim));
}

// cargo-warden killed before it resolved: nothing in the database says so.
// The run stays resolving for good (the shim's own patience ends the wait),
// and the database stays usable.
TEST_F(ProtocolTest, ResolutionThatNeverComesStaysResolving) {
  ASSERT_NE(OpenStore(), nullptr);
  Signal begun;
  const pid_t warden = Fork([&] {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_);
    if (!store.ok() || !(*store)->BeginRun(MakeRun("/ws", 1)).ok()) return false;
    begun.Send();
    pause();
    return false;
  });
  ASSERT_TRUE(begun.Wait());
  kill(warden, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(warden, &status, 0), warden);

  std::unique_ptr<Store> shim = OpenAsShim(path_);
  ASSERT_NE(shim, nullptr);
  absl::StatusOr<std::vector<RunRecord>> runs = shim->ListRuns("/ws");
  ASSERT_TRUE(runs.ok() && runs->size() == 1) << runs.status();
  for (int poll = 0; poll < 3; ++poll) {
    std::optional<RunRecord> run = Poll(*shim, runs->front().id);
    ASSERT_TRUE(run.has_value());
    EXPECT_EQ(run->resolution, ResolutionState::kResolving);
    EXPECT_EQ(run->ended_ms, 0);
    EXPECT_EQ(run->exit_status, -1);
  }
  EXPECT_TRUE(shim->BeginRun(MakeRun("/ws", 2)).ok());
}

// A shim polling a run id that is not in the database (another database, a
// stale WARDEN_RUN_ID) learns that at once, not after its patience.
TEST_F(ProtocolTest, UnknownRunIsAbsentNotResolving) {
  std::unique_ptr<Store> shim = OpenStore();
  ASSERT_NE(shim, nullptr);
  absl::StatusOr<std::optional<RunRecord>> run = shim->GetRun(42);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_FALSE(run->has_value());
}

// A resolution value this warden does not know (a newer one's) stops the
// shim rather than letting the build script run unconfirmed.
TEST_F(ProtocolTest, UnknownResolutionValueReadsAsFailed) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<int64_t> run = store->BeginRun(MakeRun("/ws", 1));
  ASSERT_TRUE(run.ok()) << run.status();
  RawDb(path_).Exec(absl::StrCat("UPDATE runs SET resolution = 7 WHERE id = ", *run));
  EXPECT_EQ(Poll(*store, *run)->resolution, ResolutionState::kFailed);
}

// While cargo-warden holds the write lock, a poll neither waits nor sees the
// uncommitted resolution; after the commit it does.
TEST_F(ProtocolTest, PollsDoNotWaitForAHeldWriteLock) {
  std::unique_ptr<Store> shim = OpenAsShim(path_);
  ASSERT_NE(shim, nullptr);
  absl::StatusOr<int64_t> run = shim->BeginRun(MakeRun("/ws", 1));
  ASSERT_TRUE(run.ok()) << run.status();
  Signal updated, checked;
  const pid_t warden = Fork([&] {
    RawDb raw(path_);
    raw.Exec(absl::StrCat("BEGIN IMMEDIATE; UPDATE runs SET resolution = 1 "
                          "WHERE id = ", *run));
    if (!updated.Send() || !checked.Wait()) return false;
    raw.Exec("COMMIT");
    return true;
  });
  ASSERT_TRUE(updated.Wait());
  const auto start = steady_clock::now();
  EXPECT_EQ(Poll(*shim, *run)->resolution, ResolutionState::kResolving);
  EXPECT_LT(steady_clock::now() - start, milliseconds(500));
  ASSERT_TRUE(checked.Send());
  EXPECT_TRUE(ExitedCleanly(warden));
  EXPECT_EQ(Poll(*shim, *run)->resolution, ResolutionState::kRecorded);
}

// A shim killed while it records: none of its invocation is stored, and the
// lock it held goes with it.
TEST_F(ProtocolTest, ShimKilledMidWriteLeavesNothingAndNoLock) {
  std::unique_ptr<Store> warden = OpenStore();
  ASSERT_NE(warden, nullptr);
  absl::StatusOr<int64_t> run = warden->BeginRun(MakeRun("/ws", 1));
  ASSERT_TRUE(run.ok()) << run.status();
  Signal writing;
  const pid_t shim = Fork([&] {
    RawDb raw(path_);
    raw.Exec(absl::StrCat(
        "BEGIN IMMEDIATE; INSERT INTO strings(text) VALUES ('/half');"
        "INSERT INTO invocations(run_id, package, version, manifest_dir, "
        "out_dir, binary_sha256, started_ms, ended_ms, exit_status, "
        "notifications, peak_rss_kb) VALUES (", *run,
        ", 'half', '1', '/m', '/o', '', 1, 2, 0, 0, 0)"));
    writing.Send();
    pause();
    return false;
  });
  ASSERT_TRUE(writing.Wait());
  kill(shim, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(shim, &status, 0), shim);

  const auto start = steady_clock::now();
  absl::StatusOr<int64_t> id = warden->AddInvocation(
      MakeInvocation(*run, "whole"), {MakeEvent(Op::kRead, "/whole")});
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_LT(steady_clock::now() - start, milliseconds(1000));
  absl::StatusOr<std::vector<InvocationRecord>> invs = warden->Invocations(*run);
  ASSERT_TRUE(invs.ok()) << invs.status();
  ASSERT_EQ(invs->size(), 1u);
  EXPECT_EQ(invs->front().package, "whole");
  EXPECT_EQ(RawDb(path_).Int("SELECT count(*) FROM strings WHERE text = '/half'"), 0);
}

}  // namespace
}  // namespace warden
