#include "tools/compile_runs.h"

#include <map>
#include <string>
#include <utility>

#include "learner/carry.h"
#include "tools/floor_env.h"

namespace warden {

absl::StatusOr<std::vector<Observation>> CompileObservations(
    Store& store, const WorkspaceDirs& dirs, const PathVars& vars,
    int64_t run_id, const std::vector<PackageId>* locked) {
  auto read = [&](int64_t id) {
    return ReadCompileRun(CompileFindingsFile(dirs.target_dir, std::to_string(id)));
  };
  absl::StatusOr<CompileRun> current = read(run_id);
  if (!current.ok()) return current.status();
  std::vector<CompileFinding> findings = current->findings;
  if (locked != nullptr) {
    std::vector<CompileRun> newest_first = {*current};
    absl::StatusOr<std::vector<RunRecord>> runs = store.ListRuns(dirs.root);
    if (!runs.ok()) return runs.status();
    for (const RunRecord& run : *runs)
      if (run.id < run_id && run.mode == "learn")
        if (absl::StatusOr<CompileRun> earlier = read(run.id); earlier.ok())
          newest_first.push_back(*std::move(earlier));
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
