// `cargo warden diff`: what build scripts do now that they did not before.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "absl/strings/str_cat.h"
#include "db/store.h"
#include "learner/learner.h"
#include "learner/observe.h"
#include "policy/yaml.h"
#include "tools/cargo.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/context.h"
#include "tools/report.h"

namespace warden {
namespace {

namespace po = boost::program_options;

struct DiffOptions {
  std::string manifest_path;
  std::string db_path;
  int64_t from = 0;
  int64_t to = 0;
  std::string before_policy;
  std::string after_policy;
  std::string format = "human";
  std::vector<std::string> cargo_args;
};

// Behaviour of a run as a policy (ProposeBehaviour). Versions go to
// `versions`, sources to `sources`.
absl::StatusOr<Policy> RunBehaviour(Store& store, int64_t run_id,
                                    std::map<std::string, std::string>& versions,
                                    std::map<std::string, std::string>& sources) {
  absl::StatusOr<std::vector<Observation>> observed =
      Observations(store, run_id, MachineVars(RustSysroot()));
  if (!observed.ok()) return observed.status();
  for (const Observation& o : *observed) {
    versions[o.package.name] = o.package.version;
    sources[o.package.name] = o.package.source;
  }
  return ProposeBehaviour(*std::move(observed));
}

int Fail(int code, const std::string& message) {
  fprintf(stderr, "cargo-warden diff: %s\n", message.c_str());
  return code;
}

// DiffRuns sets `policy_path` to the workspace's warden.yaml (SARIF
// locations) when it looked the workspace up.
int DiffRuns(const DiffOptions& opts, std::vector<PolicyChange>& changes,
             std::string& policy_path) {
  std::string db = opts.db_path;
  std::string workspace_root;
  if (db.empty() || (opts.from == 0 && opts.to == 0)) {
    absl::StatusOr<WorkspaceDirs> dirs =
        WorkspaceDirsFromCargo(opts.manifest_path, opts.cargo_args);
    if (!dirs.ok()) return Fail(kExitEnvironment, std::string(dirs.status().message()));
    if (db.empty()) db = dirs->target_dir + "/warden/warden.db";
    workspace_root = dirs->root;
    policy_path = dirs->root + "/warden.yaml";
  }
  std::error_code ec;
  if (!std::filesystem::exists(db, ec))
    return Fail(kExitEnvironment,
                absl::StrCat("no database at ", db,
                             " (hint: run `cargo warden learn` first, or --db)"));
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(db);
  if (!store.ok()) return Fail(kExitEnvironment, std::string(store.status().message()));
  int64_t from = opts.from, to = opts.to;
  if (from == 0 || to == 0) {
    absl::StatusOr<std::vector<RunRecord>> runs = (*store)->ListRuns(workspace_root);
    if (!runs.ok()) return Fail(kExitEnvironment, std::string(runs.status().message()));
    if (runs->size() < 2)
      return Fail(kExitUsage,
                  "need two runs of this workspace to compare (hint: learn or "
                  "enforce before and after the upgrade, or pass --from/--to)");
    if (to == 0) to = (*runs)[0].id;
    if (from == 0) from = (*runs)[1].id;
  }
  std::map<std::string, std::string> old_versions, new_versions, old_src, new_src;
  absl::StatusOr<Policy> before = RunBehaviour(**store, from, old_versions, old_src);
  if (!before.ok()) return Fail(kExitUsage, std::string(before.status().message()));
  absl::StatusOr<Policy> after = RunBehaviour(**store, to, new_versions, new_src);
  if (!after.ok()) return Fail(kExitUsage, std::string(after.status().message()));
  changes = DiffPolicies(*before, *after);
  for (PolicyChange& c : changes) {
    c.old_version = old_versions[c.package];
    c.new_version = new_versions[c.package];
  }
  for (const auto& [name, version] : new_versions) {
    auto old = old_versions.find(name);
    if (old != old_versions.end() && old->second != version)
      changes.push_back({name, old->second, version, "version",
                         absl::StrCat(old->second, " (", old_src[name], ") -> ",
                                      version, " (", new_src[name], ")"),
                         true, ""});
  }
  fprintf(stderr, "cargo-warden diff: run %lld -> run %lld (%s)\n",
          static_cast<long long>(from), static_cast<long long>(to), db.c_str());
  return kExitOk;
}

int DiffPolicyFiles(const DiffOptions& opts, std::vector<PolicyChange>& changes) {
  absl::StatusOr<Policy> before = LoadPolicyFile(opts.before_policy);
  if (!before.ok()) return Fail(kExitUsage, std::string(before.status().message()));
  absl::StatusOr<Policy> after = LoadPolicyFile(opts.after_policy);
  if (!after.ok()) return Fail(kExitUsage, std::string(after.status().message()));
  changes = DiffPolicies(*before, *after);
  return kExitOk;
}

}  // namespace

int RunDiff(const std::vector<std::string>& args) {
  DiffOptions opts;
  po::options_description desc(
      "usage: cargo warden diff [options] [-- CARGO_ARGS...]\n\n"
      "What build scripts do (or were denied doing) in one run that they did\n"
      "not in another: by default the last two runs of this workspace.\n"
      "Per package: version change, permissions and directives added and\n"
      "removed, with risk labels (network, shell-exec, downloader, home-read,\n"
      "write-outside-out-dir, link-arg, new-package).\n"
      "Exit status: 0 nothing added, 1 something added.\n\noptions");
  desc.add_options()
      ("help,h", "print this help")
      ("manifest-path", po::value(&opts.manifest_path), "Cargo.toml of the workspace")
      ("db", po::value(&opts.db_path), "SQLite database (default: <target-dir>/warden/warden.db)")
      ("from", po::value(&opts.from), "run id before")
      ("to", po::value(&opts.to), "run id after")
      ("before", po::value(&opts.before_policy), "compare two policy files: the old one")
      ("after", po::value(&opts.after_policy), "… and the new one")
      ("format", po::value(&opts.format), "human (default), markdown, json or sarif");
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!ParseCommandLine(args, "diff", desc, nullptr, vm, opts.cargo_args,
                        exit_code))
    return exit_code;
  if (opts.format != "human" && opts.format != "markdown" && opts.format != "json" &&
      opts.format != "sarif")
    return Fail(kExitUsage, "--format must be human, markdown, json or sarif");
  if (opts.before_policy.empty() != opts.after_policy.empty())
    return Fail(kExitUsage, "--before and --after go together");
  std::vector<PolicyChange> changes;
  std::string policy_path = opts.before_policy.empty() ? "warden.yaml" : opts.after_policy;
  int rc = opts.before_policy.empty() ? DiffRuns(opts, changes, policy_path)
                                      : DiffPolicyFiles(opts, changes);
  if (rc != kExitOk) return rc;
  PrintChanges(changes, opts.format, policy_path, stdout);
  bool added = false;
  for (const PolicyChange& c : changes)
    if (c.added && c.kind != "version") added = true;
  if (!added && opts.format == "human") printf("no new permissions\n");
  return added ? kExitFindings : kExitOk;
}

}  // namespace warden
