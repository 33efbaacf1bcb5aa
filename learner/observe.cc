#include "learner/observe.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_split.h"
#include "learner/carry.h"
#include "policy/directives.h"

namespace warden {

std::vector<Directive> ParseDirectives(const std::string& output,
                                       int64_t invocation_id) {
  std::vector<Directive> out;
  std::istringstream in(output);
  std::string line;
  // As cargo reads them (policy/directives.h): trimmed, both syntaxes.
  while (std::getline(in, line))
    if (std::optional<ParsedDirective> d = ParseDirectiveLine(line))
      out.push_back({invocation_id, d->key, d->value});
  return out;
}

absl::Status RecordDirectives(Store& store, int64_t run_id) {
  absl::StatusOr<std::vector<InvocationRecord>> invs = store.Invocations(run_id);
  if (!invs.ok()) return invs.status();
  std::vector<Directive> all;
  for (const InvocationRecord& inv : *invs) {
    std::filesystem::path output =
        std::filesystem::path(inv.out_dir).parent_path() / "output";
    std::ifstream in(output);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    for (Directive& d : ParseDirectives(text.str(), inv.id))
      all.push_back(std::move(d));
  }
  return all.empty() ? absl::OkStatus() : store.AddDirectives(all);
}

std::string TargetDirOf(const std::string& out_dir, const std::string& known) {
  namespace fs = std::filesystem;
  if (!known.empty() && out_dir.rfind(known + "/", 0) == 0) return known;
  // <target>/[<triple>/]<profile>/build/<pkg>-<hash>/out; cargo keeps its
  // .rustc_info.json at the top.
  fs::path dir = fs::path(out_dir).parent_path().parent_path().parent_path().parent_path();
  std::error_code ec;
  if (!fs::exists(dir / ".rustc_info.json", ec) &&
      fs::exists(dir.parent_path() / ".rustc_info.json", ec))
    return dir.parent_path().string();
  return dir.string();
}

RecordedPaths RecordPaths(const PathVars& vars) {
  RecordedPaths p{vars.target_dir, vars.workspace_root, vars.home,
                  vars.cargo_home, vars.rustup_home, vars.tmp, ""};
  for (const std::string& dir : vars.path_dirs)
    p.path += (p.path.empty() ? "" : ":") + dir;
  return p;
}

PathVars VarsFor(const RunRecord& run, const InvocationRecord& inv,
                 const std::string& target_dir, const PathVars& machine) {
  if (inv.paths) {
    // As the supervisor matched: nothing of this process's environment.
    const RecordedPaths& p = *inv.paths;
    PathVars vars{inv.out_dir, inv.manifest_dir, p.target_dir, p.workspace_root,
                  p.home, p.cargo_home, p.rustup_home, p.tmp, inv.sysroot, {}};
    vars.path_dirs = absl::StrSplit(p.path, ':', absl::SkipEmpty());
    return vars;
  }
  PathVars vars = machine;
  if (!inv.sysroot.empty()) vars.sysroot = inv.sysroot;
  vars.out_dir = inv.out_dir;
  vars.manifest_dir = inv.manifest_dir;
  vars.target_dir = target_dir;
  vars.workspace_root = run.workspace_root;
  return vars;
}

namespace {

// ObservationsOf returns one Observation per invocation in `invs`, all of
// `run`, in their order.
absl::StatusOr<std::vector<Observation>> ObservationsOf(
    Store& store, const RunRecord& run,
    const std::vector<InvocationRecord>& invs, const PathVars& machine) {
  absl::StatusOr<std::vector<StoredEvent>> events = store.Events(run.id);
  if (!events.ok()) return events.status();
  absl::StatusOr<std::vector<Directive>> directives = store.Directives(run.id);
  if (!directives.ok()) return directives.status();

  std::map<int64_t, Observation> by_inv;
  for (const InvocationRecord& inv : invs) {
    Observation& o = by_inv[inv.id];
    o.package = {inv.package, inv.version, inv.source};
    o.exit_status = inv.exit_status;
    o.vars = VarsFor(run, inv, TargetDirOf(inv.out_dir, machine.target_dir),
                     machine);
  }
  for (const StoredEvent& e : *events)
    if (auto it = by_inv.find(e.invocation_id); it != by_inv.end())
      it->second.events.push_back(e.event);
  for (const Directive& d : *directives) {
    auto it = by_inv.find(d.invocation_id);
    if (it == by_inv.end()) continue;
    it->second.directives.push_back(d);
    if (d.key == "rerun-if-env-changed") it->second.env_used.push_back(d.value);
  }
  std::vector<Observation> out;
  for (auto& [id, o] : by_inv) out.push_back(std::move(o));
  return out;
}

absl::StatusOr<RunRecord> GetExistingRun(Store& store, int64_t run_id) {
  absl::StatusOr<std::optional<RunRecord>> run = store.GetRun(run_id);
  if (!run.ok()) return run.status();
  if (!run->has_value())
    return absl::NotFoundError("no run " + std::to_string(run_id));
  return **run;
}

}  // namespace

absl::StatusOr<std::vector<Observation>> Observations(
    Store& store, int64_t run_id, const PathVars& machine) {
  absl::StatusOr<RunRecord> run = GetExistingRun(store, run_id);
  if (!run.ok()) return run.status();
  absl::StatusOr<std::vector<InvocationRecord>> invs = store.Invocations(run_id);
  if (!invs.ok()) return invs.status();
  return ObservationsOf(store, *run, *invs, machine);
}

absl::StatusOr<std::vector<Observation>> CarriedObservations(
    Store& store, int64_t run_id, const std::vector<PackageId>& locked,
    const PathVars& machine) {
  absl::StatusOr<RunRecord> run = GetExistingRun(store, run_id);
  if (!run.ok()) return run.status();
  absl::StatusOr<std::vector<InvocationRecord>> latest =
      store.LatestInvocations(run->workspace_root, "learn");
  if (!latest.ok()) return latest.status();
  absl::StatusOr<std::vector<InvocationRecord>> ran = store.Invocations(run_id);
  if (!ran.ok()) return ran.status();
  std::map<int64_t, std::vector<InvocationRecord>> by_run;
  for (InvocationRecord& inv : CarriedInvocations(*latest, *ran, locked))
    by_run[inv.run_id].push_back(std::move(inv));
  std::vector<Observation> carried;
  for (const auto& [earlier_id, invs] : by_run) {
    absl::StatusOr<RunRecord> earlier = GetExistingRun(store, earlier_id);
    if (!earlier.ok()) return earlier.status();
    absl::StatusOr<std::vector<Observation>> obs =
        ObservationsOf(store, *earlier, invs, machine);
    if (!obs.ok()) return obs.status();
    for (Observation& o : *obs) carried.push_back(std::move(o));
  }
  return carried;
}

}  // namespace warden
