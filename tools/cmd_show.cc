// `cargo warden show`: per package, what its author declares, what
// warden.yaml grants, and what warden last observed its build script doing.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/str_cat.h"
#include "db/store.h"
#include "learner/inputs.h"
#include "learner/learner.h"
#include "learner/observe.h"
#include "policy/check.h"
#include "policy/override.h"
#include "tools/cargo.h"
#include "tools/cargo_files.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/context.h"
#include "tools/json_line.h"

namespace warden {
namespace {

namespace po = boost::program_options;

void PrintSection(const char* title, const std::set<std::string>& lines,
                  const char* empty) {
  printf("  %s\n", title);
  if (lines.empty()) printf("    (%s)\n", empty);
  for (const std::string& l : lines) printf("    %s\n", l.c_str());
}

int Fail(int code, const std::string& message) {
  fprintf(stderr, "cargo-warden show: %s\n", message.c_str());
  return code;
}

struct ShowOptions {
  std::string manifest_path, policy_path, db_path, package;
  std::string format = "human";
};

// Views is what show prints: the three policies and the last run's
// observations (empty when no run is recorded).
struct Views {
  Policy declared, granted, observed;
  std::string observed_title = "observed (no run recorded yet)";
  bool any_run = false;
  std::vector<Observation> observations;
};

// LoadObserved fills `views` from the workspace's last run in the database.
absl::Status LoadObserved(const std::string& db_path, const Workspace& ws,
                          Views& views) {
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(db_path);
  if (!store.ok()) return store.status();
  absl::StatusOr<std::vector<RunRecord>> runs = (*store)->ListRuns(ws.root);
  if (!runs.ok() || runs->empty()) return absl::OkStatus();
  const RunRecord& last = (*runs)[0];
  const PathVars machine = MachineVars(RustSysroot());
  absl::StatusOr<std::vector<Observation>> obs =
      Observations(**store, last.id, machine);
  if (!obs.ok()) return obs.status();
  // As learn proposes: build scripts a warm build did not rerun count with
  // their latest earlier observation.
  absl::StatusOr<std::vector<PackageId>> locked =
      LockedPackages(ws.root + "/Cargo.lock");
  if (last.mode == "learn" && locked.ok())
    if (absl::StatusOr<std::vector<Observation>> carried =
            CarriedObservations(**store, last.id, *locked, machine);
        carried.ok())
      for (Observation& o : *carried) obs->push_back(std::move(o));
  views.observations = *obs;
  views.observed = ProposeBehaviour(*std::move(obs));
  views.observed_title =
      absl::StrCat("observed (run ", last.id, ", ", last.mode, ")");
  views.any_run = true;
  return absl::OkStatus();
}

// LoadViews reads declarations, grants and observations; on failure it
// returns the exit code after printing why.
int LoadViews(const ShowOptions& opts, const Workspace& ws, Views& views) {
  absl::StatusOr<Policy> declared = DeclaredPolicy(ws.packages);
  if (!declared.ok()) return Fail(kExitUsage, std::string(declared.status().message()));
  views.declared = *std::move(declared);
  if (std::filesystem::exists(opts.policy_path)) {
    absl::StatusOr<Policy> loaded = LoadPolicyWithOverride(opts.policy_path);
    if (!loaded.ok()) return Fail(kExitUsage, std::string(loaded.status().message()));
    views.granted = *std::move(loaded);
  }
  if (std::filesystem::exists(opts.db_path))
    if (absl::Status s = LoadObserved(opts.db_path, ws, views); !s.ok())
      return Fail(kExitEnvironment, std::string(s.message()));
  return kExitOk;
}

std::vector<std::string> List(const std::set<std::string>& lines) {
  return {lines.begin(), lines.end()};
}

void PrintHuman(const CargoPackage& p, const Views& views,
                const InputCoverage& inputs) {
  std::set<std::string> d = GrantLines(views.declared, p.id.name);
  std::set<std::string> o = GrantLines(views.observed, p.id.name);
  std::set<std::string> undeclared;
  for (const std::string& line : o)
    if (!d.count(line)) undeclared.insert(line);
  printf("%s %s (%s)\n", p.id.name.c_str(), p.id.version.c_str(),
         p.id.source.c_str());
  PrintSection("declared (Cargo.toml [package.metadata.warden])", d,
               p.declared_yaml.empty() ? "nothing declared" : "declares baseline only");
  PrintSection("granted (warden.yaml)", GrantLines(views.granted, p.id.name), "baseline only");
  PrintSection(views.observed_title.c_str(), o, "baseline only");
  if (!p.declared_yaml.empty())
    PrintSection("observed but not declared", undeclared, "none");
  if (views.any_run) {
    const std::set<std::string> read(inputs.undeclared_inputs.begin(),
                                     inputs.undeclared_inputs.end());
    const std::set<std::string> unread(inputs.declared_unread.begin(),
                                       inputs.declared_unread.end());
    PrintSection("read but not declared by rerun-if-changed", read, "none");
    PrintSection("declared but never read", unread, "none");
  }
  printf("\n");
}

// PrintJson prints one package as one JSON line (JSON Lines).
void PrintJson(const CargoPackage& p, const Views& views,
               const InputCoverage& inputs) {
  nlohmann::json j = {
      {"name", p.id.name},
      {"version", p.id.version},
      {"source", p.id.source},
      {"declared", List(GrantLines(views.declared, p.id.name))},
      {"granted", List(GrantLines(views.granted, p.id.name))},
      {"observed", List(GrantLines(views.observed, p.id.name))},
      {"observed_run", views.any_run},
      {"undeclared_inputs", inputs.undeclared_inputs},
      {"declared_unread", inputs.declared_unread}};
  printf("%s\n", JsonLine(j).c_str());
}

}  // namespace

int RunShow(const std::vector<std::string>& args) {
  ShowOptions opts;
  std::vector<std::string> cargo_args;
  po::options_description desc(
      "usage: cargo warden show [PACKAGE] [options] [-- CARGO_ARGS...]\n\n"
      "Per package with a build script: what its Cargo.toml declares under\n"
      "[package.metadata.warden], what warden.yaml grants, what the last run\n"
      "observed, what was observed but not declared, and which files the\n"
      "build script read that no rerun-if-changed covers, or declared and\n"
      "never read (environment reads are invisible to warden).\n\noptions");
  desc.add_options()
      ("help,h", "print this help")
      ("manifest-path", po::value(&opts.manifest_path), "Cargo.toml of the workspace")
      ("policy", po::value(&opts.policy_path), "policy file (default: warden.yaml at the workspace root)")
      ("db", po::value(&opts.db_path), "SQLite database (default: <target-dir>/warden/warden.db)")
      ("package", po::value(&opts.package), "only this package")
      ("format", po::value(&opts.format), "human (default) or json (JSON Lines)");
  po::positional_options_description positional;
  positional.add("package", 1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!ParseCommandLine(args, "show", desc, &positional, vm, cargo_args,
                        exit_code))
    return exit_code;
  if (opts.format != "human" && opts.format != "json")
    return Fail(kExitUsage, "--format must be human or json");
  absl::StatusOr<Workspace> ws = LoadWorkspace(opts.manifest_path, cargo_args, Packages::kAll);
  if (!ws.ok()) return Fail(kExitEnvironment, std::string(ws.status().message()));
  if (opts.policy_path.empty()) opts.policy_path = ws->root + "/warden.yaml";
  if (opts.db_path.empty()) opts.db_path = ws->target_dir + "/warden/warden.db";
  Views views;
  if (int code = LoadViews(opts, *ws, views); code != kExitOk) return code;

  bool any = false;
  for (const CargoPackage& p : ws->packages) {
    if (!p.has_build_script || (!opts.package.empty() && p.id.name != opts.package))
      continue;
    any = true;
    const InputCoverage inputs =
        CheckPackageInputs(views.observations, p.id, p.build_script);
    if (opts.format == "json")
      PrintJson(p, views, inputs);
    else
      PrintHuman(p, views, inputs);
  }
  if (!any && !opts.package.empty())
    return Fail(kExitUsage, "no package named '" + opts.package + "' with a build script in this workspace");
  return kExitOk;
}

}  // namespace warden
