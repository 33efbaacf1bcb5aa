#include "db/store.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "db/schema.h"
#include "db/sqlite.h"

namespace warden {
namespace {

using sqlite::Connection;
using sqlite::Statement;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// UpdateRun runs an UPDATE of one run (its id bound last) and fails if there
// is no such run.
template <typename... Args>
absl::Status UpdateRun(Connection& db, const char* purpose, const char* sql,
                       const Args&... args) {
  absl::StatusOr<Statement> update = db.Prepare(sql, purpose);
  if (!update.ok()) return update.status();
  WARDEN_RETURN_IF_ERROR(update->Run(args...));
  if (db.Changes() == 0)
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

// StringInterner maps strings to ids in the `strings` table, inserting new
// ones. It must be used inside a write transaction, which makes the
// look-up-then-insert race free across processes.
class StringInterner {
 public:
  static absl::StatusOr<StringInterner> Create(Connection& db) {
    absl::StatusOr<Statement> find =
        db.Prepare("SELECT id FROM strings WHERE text = ?1", "looking up string");
    if (!find.ok()) return find.status();
    absl::StatusOr<Statement> insert =
        db.Prepare("INSERT INTO strings(text) VALUES (?1)", "inserting string");
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
  StringInterner(Connection& db, Statement find, Statement insert)
      : db_(&db), find_(std::move(find)), insert_(std::move(insert)) {}

  absl::StatusOr<int64_t> FindOrInsert(const std::string& text) {
    WARDEN_RETURN_IF_ERROR(find_.Bind(text));
    absl::StatusOr<bool> found = find_.Step();
    if (!found.ok()) return found.status();
    if (*found) return find_.Int(0);
    WARDEN_RETURN_IF_ERROR(insert_.Run(text));
    return db_->LastInsertRowid();
  }

  Connection* db_;
  Statement find_;
  Statement insert_;
  absl::flat_hash_map<std::string, int64_t> cache_;
};

absl::Status InsertEvents(Connection& db, int64_t invocation_id,
                          const std::vector<Event>& events) {
  absl::StatusOr<StringInterner> strings = StringInterner::Create(db);
  if (!strings.ok()) return strings.status();
  absl::StatusOr<Statement> insert = db.Prepare(
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

absl::Status InsertCosts(Connection& db, int64_t invocation_id,
                         const std::vector<CallCost>& costs) {
  absl::StatusOr<Statement> insert = db.Prepare(
      "INSERT INTO call_costs(invocation_id, syscall, answer, calls, nanos) "
      "VALUES (?1, ?2, ?3, ?4, ?5)",
      "inserting call cost");
  if (!insert.ok()) return insert.status();
  for (const CallCost& c : costs)
    WARDEN_RETURN_IF_ERROR(
        insert->Run(invocation_id, c.syscall, c.answer, c.calls, c.nanos));
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
  sqlite::Connection::Options options;
  options.checkpoint_on_close = on_close == OnClose::kCheckpoint;
  absl::StatusOr<Connection> db = Connection::Open(path, options);
  if (!db.ok()) return db.status();
  WARDEN_RETURN_IF_ERROR(CheckCompatible(*db));
  WARDEN_RETURN_IF_ERROR(db->EnableWal());
  WARDEN_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous = NORMAL; "
                                  "PRAGMA foreign_keys = ON;",
                                  absl::StrCat("configuring ", path)));
  WARDEN_RETURN_IF_ERROR(Migrate(*db));
  return std::unique_ptr<Store>(
      new Store(std::make_unique<Connection>(*std::move(db))));
}

Store::Store(std::unique_ptr<Connection> db) : db_(std::move(db)) {}

Store::~Store() = default;
absl::StatusOr<int64_t> Store::BeginRun(const RunRecord& run) {
  absl::Status status = sqlite::InWriteTransaction(*db_, "run", [&]() -> absl::Status {
    absl::StatusOr<Statement> insert = db_->Prepare(
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
  return db_->LastInsertRowid();
}

absl::Status Store::EndRun(int64_t run_id, int exit_status) {
  return sqlite::InWriteTransaction(*db_, "end of run", [&]() -> absl::Status {
    return UpdateRun(*db_, "ending run",
                     "UPDATE runs SET ended_ms = ?1, exit_status = ?2 WHERE id = ?3",
                     NowMs(), exit_status, run_id);
  });
}

absl::Status Store::Resolve(int64_t run_id) {
  return sqlite::InWriteTransaction(*db_, "resolution", [&]() -> absl::Status {
    return UpdateRun(*db_, "recording the resolution",
                     "UPDATE runs SET resolution = ?1 WHERE id = ?2",
                     static_cast<int>(ResolutionState::kRecorded), run_id);
  });
}

absl::Status Store::FailResolution(int64_t run_id) {
  return sqlite::InWriteTransaction(*db_, "resolution", [&]() -> absl::Status {
    return UpdateRun(*db_, "recording the failed resolution",
                     "UPDATE runs SET resolution = ?1 WHERE id = ?2",
                     static_cast<int>(ResolutionState::kFailed), run_id);
  });
}

absl::StatusOr<int64_t> Store::AddInvocation(const InvocationRecord& invocation,
                                             const std::vector<Event>& events) {
  int64_t id = 0;
  absl::Status status =
      sqlite::InWriteTransaction(*db_, "invocation", [&]() -> absl::Status {
        absl::StatusOr<Statement> insert = db_->Prepare(
            "INSERT INTO invocations(run_id, package, version, source, "
            "sysroot, manifest_dir, out_dir, binary_sha256, started_ms, "
            "ended_ms, exit_status, notifications, peak_rss_kb, "
            "paths_recorded, target_dir, workspace_root, home, cargo_home, "
            "rustup_home, tmp, path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
            "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
            "inserting invocation");
        if (!insert.ok()) return insert.status();
        const InvocationRecord& i = invocation;
        const RecordedPaths p = i.paths.value_or(RecordedPaths{});
        WARDEN_RETURN_IF_ERROR(
            insert->Run(i.run_id, i.package, i.version, i.source, i.sysroot,
                        i.manifest_dir, i.out_dir, i.binary_sha256,
                        i.started_ms, i.ended_ms, i.exit_status,
                        i.notifications, i.peak_rss_kb,
                        static_cast<int64_t>(i.paths.has_value()), p.target_dir,
                        p.workspace_root, p.home, p.cargo_home, p.rustup_home,
                        p.tmp, p.path));
        id = db_->LastInsertRowid();
        WARDEN_RETURN_IF_ERROR(InsertCosts(*db_, id, i.costs));
        return InsertEvents(*db_, id, events);
      });
  if (!status.ok()) return status;
  return id;
}

absl::Status Store::AddDirectives(const std::vector<Directive>& directives) {
  return sqlite::InWriteTransaction(*db_, "directives", [&]() -> absl::Status {
    absl::StatusOr<Statement> insert = db_->Prepare(
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
      sqlite::Query<RunRecord>(*db_, sql.c_str(), "reading run", RunFromRow, run_id);
  if (!runs.ok()) return runs.status();
  if (runs->empty()) return std::nullopt;
  return std::move(runs->front());
}

absl::StatusOr<std::vector<RunRecord>> Store::ListRuns(
    const std::string& workspace_root) {
  const std::string sql = absl::StrCat(
      "SELECT ", kRunColumns,
      " FROM runs WHERE workspace_root = ?1 ORDER BY started_ms DESC, id DESC");
  return sqlite::Query<RunRecord>(*db_, sql.c_str(), "listing runs", RunFromRow,
                          workspace_root);
}

absl::StatusOr<std::vector<InvocationRecord>> Store::Invocations(
    int64_t run_id) {
  return sqlite::Query<InvocationRecord>(
      *db_,
      "SELECT id, run_id, package, version, manifest_dir, out_dir, "
      "binary_sha256, started_ms, ended_ms, exit_status, notifications, "
      "peak_rss_kb, source, sysroot, paths_recorded, target_dir, "
      "workspace_root, home, cargo_home, rustup_home, tmp, path "
      "FROM invocations WHERE run_id = ?1 "
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
        if (s.Int(14) != 0)
          i.paths = RecordedPaths{s.Text(15), s.Text(16), s.Text(17), s.Text(18),
                                  s.Text(19), s.Text(20), s.Text(21)};
        return i;
      },
      run_id);
}

absl::StatusOr<std::vector<StoredEvent>> Store::Events(int64_t run_id) {
  return sqlite::Query<StoredEvent>(
      *db_,
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
  return sqlite::Query<Directive>(
      *db_,
      "SELECT d.invocation_id, d.key, d.value FROM directives d "
      "JOIN invocations i ON i.id = d.invocation_id "
      "WHERE i.run_id = ?1 ORDER BY d.id",
      "reading directives",
      [](const Statement& s) {
        return Directive{s.Int(0), s.Text(1), s.Text(2)};
      },
      run_id);
}

absl::StatusOr<std::vector<InvocationRecord>> Store::LatestInvocations(
    const std::string& workspace_root, const std::string& mode) {
  using Newest = std::pair<int64_t, int64_t>;  // invocation id, run id
  absl::StatusOr<std::vector<Newest>> newest = sqlite::Query<Newest>(
      *db_,
      "SELECT max(i.id), i.run_id FROM invocations i "
      "JOIN runs r ON r.id = i.run_id "
      "WHERE r.workspace_root = ?1 AND r.mode = ?2 "
      "GROUP BY i.package, i.version, i.source, i.binary_sha256",
      "finding the latest invocations",
      [](const Statement& s) { return Newest{s.Int(0), s.Int(1)}; },
      workspace_root, mode);
  if (!newest.ok()) return newest.status();
  // Read run by run with Invocations, so rows are read one way only.
  std::map<int64_t, std::set<int64_t>> ids_by_run;
  for (const auto& [id, run_id] : *newest) ids_by_run[run_id].insert(id);
  std::vector<InvocationRecord> latest;
  for (const auto& [run_id, ids] : ids_by_run) {
    absl::StatusOr<std::vector<InvocationRecord>> invs = Invocations(run_id);
    if (!invs.ok()) return invs.status();
    for (InvocationRecord& inv : *invs)
      if (ids.count(inv.id)) latest.push_back(std::move(inv));
  }
  std::sort(latest.begin(), latest.end(),
            [](const InvocationRecord& a, const InvocationRecord& b) {
              return a.id < b.id;
            });
  return latest;
}

}  // namespace warden

