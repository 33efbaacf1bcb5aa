#include "tools/compile_runs.h"

#include <map>
#include <string>
#include <utility>

#include "learner/carry.h"
#include "tools/cargo_files.h"
#include "tools/floor_env.h"

namespace warden {

// CompileObservations reads what the warden-rustc calls of run `run_id`
// found beyond the floor, one observation per compiled package; under learn
// with, for locked crates this run did not recompile, what the workspace's
// newest earlier learn run that compiled them found.
absl::StatusOr<std::vector<Observation>> CompileObservations(
    Store& store, const WorkspaceDirs& dirs, const PathVars& vars,
    int64_t run_id, bool enforce) {
  auto read = [&](int64_t id) {
    return ReadCompileRun(CompileFindingsFile(dirs.target_dir, std::to_string(id)));
  };
  absl::StatusOr<CompileRun> current = read(run_id);
  if (!current.ok()) return current.status();
  std::vector<CompileFinding> findings = current->findings;
  if (!enforce) {
    std::vector<CompileRun> newest_first = {*current};
    absl::StatusOr<std::vector<RunRecord>> runs = store.ListRuns(dirs.root);
    if (!runs.ok()) return runs.status();
    for (const RunRecord& run : *runs)
      if (run.id < run_id && run.mode == "learn")
        if (absl::StatusOr<CompileRun> earlier = read(run.id); earlier.ok())
          newest_first.push_back(*std::move(earlier));
    absl::StatusOr<std::vector<PackageId>> locked =
        LockedPackages(dirs.root + "/Cargo.lock");
    if (!locked.ok()) return locked.status();
    findings = CarriedCompileFindings(newest_first, *locked);
  }
  std::map<std::pair<std::string, std::string>, Observation> by_package;
  for (CompileFinding& f : findings) {
    Observation& o = by_package[{f.package, f.version}];
    o.package = {f.package, f.version, "rustc, proc macros and linker, under the floor"};
    o.vars = vars;
    o.compile = true;
    o.events.push_back(std::move(f.event));
  }
  std::vector<Observation> out;
  for (auto& [key, o] : by_package) out.push_back(std::move(o));
  return out;
}

// CompileReads are the files rustc (include_bytes!, a proc macro) read
// beyond the floor under learn.
std::vector<std::string> CompileReads(const std::vector<Observation>& compiled) {
  std::vector<std::string> paths;
  for (const Observation& o : compiled)
    for (const Event& e : o.events)
      if (e.op == Op::kRead && e.allowed && e.error == 0) paths.push_back(e.target);
  return paths;
}

}  // namespace warden
