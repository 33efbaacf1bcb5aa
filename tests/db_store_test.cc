#include "db/store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "tests/db_test_util.h"

namespace warden {
namespace {

namespace fs = std::filesystem;
using namespace dbtest;

TEST_F(StoreTest, OpenCreatesDirectoryAndSchema) {
  ASSERT_NE(OpenStore(), nullptr);
  ASSERT_TRUE(fs::exists(path_));
  RawDb raw(path_);
  EXPECT_EQ(raw.Int("PRAGMA user_version"), kSchemaVersion);
  EXPECT_EQ(raw.Text("PRAGMA journal_mode"), "wal");
  for (const char* name :
       {"runs", "invocations", "strings", "events", "directives",
        "events_by_invocation", "invocations_by_run"}) {
    EXPECT_EQ(
        raw.Int(absl::StrCat(
            "SELECT count(*) FROM sqlite_master WHERE name = '", name, "'")),
        1)
        << name;
  }
}

TEST_F(StoreTest, ReopenIsIdempotent) {
  int64_t run_id = 0;
  {
    std::unique_ptr<Store> store = OpenStore();
    ASSERT_NE(store, nullptr);
    absl::StatusOr<int64_t> id = store->BeginRun(MakeRun("/ws", 1));
    ASSERT_TRUE(id.ok()) << id.status();
    run_id = *id;
  }
  const std::string schema =
      RawDb(path_).Text("SELECT group_concat(sql, ';') FROM sqlite_master");
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(
      RawDb(path_).Text("SELECT group_concat(sql, ';') FROM sqlite_master"),
      schema);
  EXPECT_EQ(RawDb(path_).Int("PRAGMA user_version"), kSchemaVersion);
  absl::StatusOr<std::optional<RunRecord>> run = store->GetRun(run_id);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_TRUE(run->has_value());
}

TEST_F(StoreTest, OpenUnderARegularFileNamesThePath) {
  const std::string file = dir_ + "/not-a-dir";
  std::FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fclose(f);
  const std::string path = file + "/warden.db";
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(Contains(store.status().message(), path)) << store.status();
}

// Runs as an unprivileged user (root ignores directory permissions) in a child
// process. An existing, writable database in an unwritable directory fails
// too: WAL needs to create its -wal and -shm files next to it.
TEST_F(StoreTest, OpenInUnwritableDirectoryNamesThePath) {
  const std::string read_only = dir_ + "/read-only";
  const std::string existing = read_only + "/existing.db";
  ASSERT_TRUE(Store::Open(existing).ok());
  ASSERT_EQ(chmod(existing.c_str(), 0666), 0);
  ASSERT_EQ(chmod(dir_.c_str(), 0755), 0);
  ASSERT_EQ(chmod(read_only.c_str(), 0555), 0);
  for (const std::string& path :
       {read_only + "/new.db", read_only + "/sub/new.db", existing}) {
    const pid_t child = Fork([&] {
      if (geteuid() == 0 && setuid(65534) != 0) return false;
      absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
      std::fprintf(stderr, "Open(%s): %s\n", path.c_str(),
                   store.status().ToString().c_str());
      return !store.ok() && Contains(store.status().message(), path);
    });
    EXPECT_TRUE(ExitedCleanly(child)) << path;
  }
  ASSERT_EQ(chmod(read_only.c_str(), 0755), 0);  // So TearDown can remove it.
}

TEST_F(StoreTest, RunsRoundTrip) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  RunRecord run = MakeRun("/ws", 1700000000000);
  run.mode = "enforce";
  absl::StatusOr<int64_t> id = store->BeginRun(run);
  ASSERT_TRUE(id.ok()) << id.status();
  run.id = *id;

  absl::StatusOr<std::optional<RunRecord>> got = store->GetRun(*id);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(Tie(**got), Tie(run));

  ASSERT_TRUE(store->EndRun(*id, 101).ok());
  got = store->GetRun(*id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->exit_status, 101);
  EXPECT_GT((*got)->ended_ms, 0);

  got = store->GetRun(*id + 1);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_FALSE(got->has_value());
  EXPECT_EQ(store->EndRun(*id + 1, 0).code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, ListRunsIsNewestFirstPerWorkspace) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  std::map<std::string, int64_t> ids;
  for (const auto& [name, workspace, started] :
       std::vector<std::tuple<std::string, std::string, int64_t>>{
           {"a100", "/a", 100},
           {"b500", "/b", 500},
           {"a300", "/a", 300},
           {"a200", "/a", 200},
           {"a300-again", "/a", 300}}) {
    absl::StatusOr<int64_t> id = store->BeginRun(MakeRun(workspace, started));
    ASSERT_TRUE(id.ok()) << id.status();
    ids[name] = *id;
  }
  absl::StatusOr<std::vector<RunRecord>> runs = store->ListRuns("/a");
  ASSERT_TRUE(runs.ok()) << runs.status();
  std::vector<int64_t> got;
  for (const RunRecord& r : *runs) got.push_back(r.id);
  // Equal start times fall back to the later-inserted run first.
  EXPECT_EQ(got, (std::vector<int64_t>{ids["a300-again"], ids["a300"],
                                       ids["a200"], ids["a100"]}));
  runs = store->ListRuns("/nowhere");
  ASSERT_TRUE(runs.ok());
  EXPECT_TRUE(runs->empty());
}

// A supervisor's connection closes without the checkpoint (and its fsync);
// the owner's, closing last, folds the log into the database file.
TEST_F(StoreTest, OnlyTheOwnerCheckpointsOnClose) {
  const std::string wal = path_ + "-wal";
  {
    absl::StatusOr<std::unique_ptr<Store>> supervisor =
        Store::Open(path_, Store::OnClose::kLeaveWal);
    ASSERT_TRUE(supervisor.ok()) << supervisor.status();
    ASSERT_TRUE((*supervisor)->BeginRun(MakeRun("/ws", 1)).ok());
  }
  ASSERT_TRUE(fs::exists(wal));
  EXPECT_GT(fs::file_size(wal), 0u);
  {
    std::unique_ptr<Store> owner = OpenStore();
    ASSERT_NE(owner, nullptr);
    absl::StatusOr<std::vector<RunRecord>> runs = owner->ListRuns("/ws");
    ASSERT_TRUE(runs.ok()) << runs.status();
    EXPECT_EQ(runs->size(), 1u);
  }
  EXPECT_FALSE(fs::exists(wal));
}

TEST_F(StoreTest, RunsAreResolvingUntilRecordedOrFailed) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<int64_t> recorded = store->BeginRun(MakeRun("/ws", 1));
  absl::StatusOr<int64_t> failed = store->BeginRun(MakeRun("/ws", 2));
  ASSERT_TRUE(recorded.ok() && failed.ok());
  auto run = [&](int64_t id) {
    absl::StatusOr<std::optional<RunRecord>> r = store->GetRun(id);
    EXPECT_TRUE(r.ok() && r->has_value());
    return r.ok() && r->has_value() ? **r : RunRecord{};
  };
  EXPECT_EQ(run(*recorded).resolution, ResolutionState::kResolving);
  EXPECT_EQ(run(*failed).resolution, ResolutionState::kResolving);
  ASSERT_TRUE(store->Resolve(*recorded).ok());
  ASSERT_TRUE(store->FailResolution(*failed).ok());
  EXPECT_EQ(run(*recorded).resolution, ResolutionState::kRecorded);
  EXPECT_EQ(run(*failed).resolution, ResolutionState::kFailed);
  EXPECT_EQ(store->FailResolution(*failed + 1).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store->Resolve(*failed + 1).code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, InvocationsRoundTrip) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<int64_t> run = store->BeginRun(MakeRun("/ws", 1));
  absl::StatusOr<int64_t> other = store->BeginRun(MakeRun("/ws", 2));
  ASSERT_TRUE(run.ok() && other.ok());
  std::vector<InvocationRecord> want = {MakeInvocation(*run, "libz-sys"),
                                        MakeInvocation(*run, "ring")};
  want[1].exit_status = 128 + 9;
  want[1].notifications = uint64_t{1} << 40;
  for (InvocationRecord& inv : want) {
    absl::StatusOr<int64_t> id = store->AddInvocation(inv, {});
    ASSERT_TRUE(id.ok()) << id.status();
    inv.id = *id;
  }
  ASSERT_TRUE(store->AddInvocation(MakeInvocation(*other, "cc"), {}).ok());

  absl::StatusOr<std::vector<InvocationRecord>> got = store->Invocations(*run);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(Tie((*got)[i]), Tie(want[i]));
  }
}

TEST_F(StoreTest, CallCostsAreStoredWithTheirInvocation) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<int64_t> run = store->BeginRun(MakeRun("/ws", 1));
  ASSERT_TRUE(run.ok());
  InvocationRecord inv = MakeInvocation(*run, "ring");
  inv.costs = {{"openat", "error", 9681, 30000000},
               {"execve", "continue", 83, 4000000}};
  absl::StatusOr<int64_t> id = store->AddInvocation(inv, {});
  ASSERT_TRUE(id.ok()) << id.status();
  RawDb raw(path_);
  EXPECT_EQ(raw.Text(absl::StrCat(
                "SELECT group_concat(syscall || ':' || answer || ':' || calls "
                "|| ':' || nanos, ' ') FROM call_costs WHERE invocation_id = ",
                *id)),
            "openat:error:9681:30000000 execve:continue:83:4000000");
}

TEST_F(StoreTest, EventsRoundTripEveryOpInOrder) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<int64_t> run = store->BeginRun(MakeRun("/ws", 1));
  absl::StatusOr<int64_t> other = store->BeginRun(MakeRun("/ws", 2));
  ASSERT_TRUE(run.ok() && other.ok());

  std::vector<Event> every_op;
  for (int i = 0; i <= static_cast<int>(Op::kSyscall); ++i) {
    const Op op = static_cast<Op>(i);
    ASSERT_NE(OpName(op), "unknown");
    Event e = MakeEvent(op, absl::StrCat("/target/", i),
                        i % 2 == 0 ? "" : absl::StrCat("detail ", i));
    e.allowed = i % 3 != 0;
    e.error = i % 4 == 0 ? ENOENT : 0;
    e.count = static_cast<uint64_t>(i) * 1000 + 1;
    every_op.push_back(e);
  }
  // Repeated targets are stored once but come back in every event.
  const std::vector<Event> second = {
      MakeEvent(Op::kConnect, "tcp:127.0.0.1:8080"),
      MakeEvent(Op::kRead, "/target/0"),
      MakeEvent(Op::kExec, "/usr/bin/cc", "cc -c foo.c"),
      MakeEvent(Op::kRead, "/target/0"),
  };
  absl::StatusOr<int64_t> first_id =
      store->AddInvocation(MakeInvocation(*run, "a"), every_op);
  absl::StatusOr<int64_t> other_id = store->AddInvocation(
      MakeInvocation(*other, "elsewhere"), {MakeEvent(Op::kRead, "/x")});
  absl::StatusOr<int64_t> second_id =
      store->AddInvocation(MakeInvocation(*run, "b"), second);
  ASSERT_TRUE(first_id.ok()) << first_id.status();
  ASSERT_TRUE(other_id.ok()) << other_id.status();
  ASSERT_TRUE(second_id.ok()) << second_id.status();

  absl::StatusOr<std::vector<StoredEvent>> got = store->Events(*run);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), every_op.size() + second.size());
  for (size_t i = 0; i < got->size(); ++i) {
    const bool in_first = i < every_op.size();
    const Event& want = in_first ? every_op[i] : second[i - every_op.size()];
    EXPECT_EQ((*got)[i].invocation_id, in_first ? *first_id : *second_id);
    EXPECT_EQ(Tie((*got)[i].event), Tie(want)) << "event " << i;
  }
  EXPECT_EQ(
      RawDb(path_).Int("SELECT count(*) FROM strings WHERE text = '/target/0'"),
      1);
}

TEST_F(StoreTest, DirectivesRoundTrip) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<int64_t> run = store->BeginRun(MakeRun("/ws", 1));
  absl::StatusOr<int64_t> other = store->BeginRun(MakeRun("/ws", 2));
  ASSERT_TRUE(run.ok() && other.ok());
  absl::StatusOr<int64_t> a =
      store->AddInvocation(MakeInvocation(*run, "a"), {});
  absl::StatusOr<int64_t> b =
      store->AddInvocation(MakeInvocation(*run, "b"), {});
  absl::StatusOr<int64_t> c =
      store->AddInvocation(MakeInvocation(*other, "c"), {});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  const std::vector<Directive> want = {
      {*b, "rustc-link-lib", "z"},
      {*a, "rustc-link-search", "native=/usr/lib"},
      {*b, "rerun-if-changed", "build.rs"},
  };
  ASSERT_TRUE(store->AddDirectives(want).ok());
  ASSERT_TRUE(store->AddDirectives({{*c, "rustc-cfg", "other_run"}}).ok());

  absl::StatusOr<std::vector<Directive>> got = store->Directives(*run);
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(Tie((*got)[i]), Tie(want[i]));
  }
}

TEST_F(StoreTest, FailedWriteNamesItsPurposeAndLeavesNothing) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  const int64_t missing_run = 12345;
  absl::StatusOr<int64_t> id = store->AddInvocation(
      MakeInvocation(missing_run, "orphan"), {MakeEvent(Op::kRead, "/a")});
  ASSERT_FALSE(id.ok());
  EXPECT_TRUE(Contains(id.status().message(),
                       "inserting invocation: FOREIGN KEY constraint failed"))
      << id.status();
  EXPECT_EQ(RawDb(path_).Int("SELECT count(*) FROM strings"), 0);
  EXPECT_EQ(RawDb(path_).Int("SELECT count(*) FROM invocations"), 0);
}

// A writer that finds the lock held waits for it instead of failing.
TEST_F(StoreTest, WriterWaitsForHeldLock) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<int64_t> run = store->BeginRun(MakeRun("/ws", 1));
  ASSERT_TRUE(run.ok()) << run.status();
  int locked[2];
  ASSERT_EQ(pipe(locked), 0);
  const pid_t holder = Fork([&] {
    RawDb raw(path_);
    raw.Exec("BEGIN IMMEDIATE");
    if (write(locked[1], "x", 1) != 1) return false;
    usleep(300'000);
    raw.Exec("COMMIT");
    return true;
  });
  char byte;
  ASSERT_EQ(read(locked[0], &byte, 1), 1);
  close(locked[0]);
  close(locked[1]);
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<int64_t> id = store->AddInvocation(
      MakeInvocation(*run, "waiter"), {MakeEvent(Op::kRead, "/a")});
  EXPECT_TRUE(id.ok()) << id.status();
  EXPECT_GE(std::chrono::steady_clock::now() - start,
            std::chrono::milliseconds(200));
  EXPECT_TRUE(ExitedCleanly(holder));
}

// Events a supervisor would record for writer `writer`'s `n`th invocation:
// half are reads of libraries every build script touches, half are files in
// its own OUT_DIR.
std::vector<Event> WriterEvents(int writer, int n, int count) {
  std::vector<Event> events;
  for (int j = 0; j < count; ++j) {
    events.push_back(
        j % 2 == 0
            ? MakeEvent(Op::kRead,
                        absl::StrFormat("/usr/lib/x86_64-linux-gnu/lib%d.so.1",
                                        j % 50))
            : MakeEvent(Op::kCreate, absl::StrFormat("/target/w%d/i%d/out/f%d",
                                                     writer, n, j)));
  }
  return events;
}

// How much the writers of ConcurrentWritersLoseNothing write.
constexpr int kWriters = 8;
constexpr int kInvocationsPerWriter = 50;
constexpr int kEventsPerInvocation = 200;
constexpr int kExtraRuns = 50;

// ExpectEverythingWritten checks that every row of ConcurrentWritersLoseNothing
// landed.
void ExpectEverythingWritten(Store& store, int64_t run_id) {
  absl::StatusOr<std::vector<InvocationRecord>> invocations =
      store.Invocations(run_id);
  ASSERT_TRUE(invocations.ok()) << invocations.status();
  ASSERT_EQ(invocations->size(), size_t{kWriters * kInvocationsPerWriter});

  absl::StatusOr<std::vector<StoredEvent>> events = store.Events(run_id);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(),
            size_t{kWriters * kInvocationsPerWriter * kEventsPerInvocation});
  // Invocations and events both come back in id order, so the events are
  // consecutive blocks, one per invocation.
  auto event = events->begin();
  for (const InvocationRecord& inv : *invocations) {
    int w = 0, n = 0;
    ASSERT_EQ(std::sscanf(inv.package.c_str(), "w%d-%d", &w, &n), 2);
    for (const Event& want : WriterEvents(w, n, kEventsPerInvocation)) {
      ASSERT_EQ(event->invocation_id, inv.id);
      ASSERT_EQ(Tie(event->event), Tie(want)) << inv.package;
      ++event;
    }
  }

  absl::StatusOr<std::vector<RunRecord>> runs = store.ListRuns("/concurrent");
  ASSERT_TRUE(runs.ok()) << runs.status();
  ASSERT_EQ(runs->size(), size_t{kExtraRuns});
  for (const RunRecord& run : *runs) {
    EXPECT_EQ(run.exit_status, 0);
    EXPECT_EQ(run.resolution, ResolutionState::kRecorded);
  }
}

// Eight supervisors, each opening the store per invocation, race one another
// and a cargo-warden process writing runs and packages. Every row must land.
TEST_F(StoreTest, ConcurrentWritersLoseNothing) {
  int64_t run_id = 0;
  {
    std::unique_ptr<Store> store = OpenStore();
    ASSERT_NE(store, nullptr);
    absl::StatusOr<int64_t> id = store->BeginRun(MakeRun("/ws", 1));
    ASSERT_TRUE(id.ok()) << id.status();
    run_id = *id;
  }  // Closed: no SQLite connection may cross fork().

  // Children block on the pipe until the parent closes it, so all start
  // together.
  int start[2];
  ASSERT_EQ(pipe(start), 0);
  const auto wait_for_start = [&] {
    close(start[1]);
    char byte;
    return read(start[0], &byte, 1) == 0;
  };
  const auto report = [](const absl::Status& status) {
    if (!status.ok()) std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return status.ok();
  };

  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    children.push_back(Fork([&, w] {
      if (!wait_for_start()) return false;
      for (int n = 0; n < kInvocationsPerWriter; ++n) {
        absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_);
        if (!report(store.status())) return false;
        absl::StatusOr<int64_t> id = (*store)->AddInvocation(
            MakeInvocation(run_id, absl::StrFormat("w%d-%d", w, n)),
            WriterEvents(w, n, kEventsPerInvocation));
        if (!report(id.status())) return false;
      }
      return true;
    }));
  }
  children.push_back(Fork([&] {
    if (!wait_for_start()) return false;
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_);
    if (!report(store.status())) return false;
    for (int r = 0; r < kExtraRuns; ++r) {
      absl::StatusOr<int64_t> id =
          (*store)->BeginRun(MakeRun("/concurrent", 1000 + r));
      if (!report(id.status())) return false;
      if (!report((*store)->Resolve(*id))) return false;
      if (!report((*store)->EndRun(*id, 0))) return false;
    }
    return true;
  }));
  close(start[0]);
  close(start[1]);
  for (pid_t child : children) EXPECT_TRUE(ExitedCleanly(child));

  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  ExpectEverythingWritten(*store, run_id);
}

// What a typical build script records: shared libraries and headers (the same
// across build scripts), ENOENT probes, objects in its own OUT_DIR and the
// compiler runs that produce them.
std::vector<Event> RealisticEvents(int invocation, int count) {
  const std::string out_dir = absl::StrFormat(
      "/home/dev/project/target/debug/build/crate%d-4f1c2a9b7e3d8c05/out",
      invocation);
  std::vector<Event> events;
  for (int j = 0; j < count; ++j) {
    const int lib = j % 400;
    switch (j % 10) {
      case 6: {
        Event probe = MakeEvent(
            Op::kRead, absl::StrFormat("/usr/local/lib/libfoo%d.so", lib));
        probe.error = ENOENT;
        events.push_back(probe);
        break;
      }
      case 7:
        events.push_back(MakeEvent(
            Op::kRead,
            absl::StrFormat("/usr/include/foo%d/foo%d_impl.h", lib % 40, lib)));
        break;
      case 8:
        events.push_back(
            MakeEvent(Op::kCreate, absl::StrFormat("%s/obj%d.o", out_dir, j)));
        break;
      case 9:
        events.push_back(MakeEvent(
            Op::kExec, "/usr/bin/cc",
            absl::StrFormat("cc -O2 -fPIC -c src/file%d.c -o %s/obj%d.o", j,
                            out_dir, j - 1)));
        break;
      default:
        events.push_back(MakeEvent(
            Op::kRead,
            absl::StrFormat("/usr/lib/x86_64-linux-gnu/libfoo%d.so.%d", lib,
                            lib % 7)));
        break;
    }
  }
  return events;
}

TEST_F(StoreTest, EventsCostAtMost200BytesEach) {
  constexpr int kInvocations = 10;
  constexpr int kEventsPerInvocation = 2000;
  constexpr int kEvents = kInvocations * kEventsPerInvocation;
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<int64_t> run = store->BeginRun(MakeRun("/ws", 1));
  ASSERT_TRUE(run.ok()) << run.status();
  for (int i = 0; i < kInvocations; ++i) {
    absl::StatusOr<int64_t> id =
        store->AddInvocation(MakeInvocation(*run, absl::StrCat("crate", i)),
                             RealisticEvents(i, kEventsPerInvocation));
    ASSERT_TRUE(id.ok()) << id.status();
  }
  RawDb raw(path_);
  const int64_t bytes =
      raw.Int("PRAGMA page_count") * raw.Int("PRAGMA page_size");
  const double per_event = static_cast<double>(bytes) / kEvents;
  std::printf("database: %lld bytes for %d events = %.1f bytes/event\n",
              static_cast<long long>(bytes), kEvents, per_event);
  RecordProperty("bytes_per_event", absl::StrFormat("%.1f", per_event));
  EXPECT_LE(per_event, 200.0);
}

}  // namespace
}  // namespace warden
