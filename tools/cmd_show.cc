// `cargo warden show`: per package, what its author declares, what
// warden.yaml grants, and what warden last observed its build script doing.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>

#include "absl/strings/str_cat.h"
#include "db/store.h"
#include "learner/learner.h"
#include "learner/observe.h"
#include "policy/check.h"
#include "policy/override.h"
#include "tools/cargo.h"
#include "tools/cargo_files.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/context.h"

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

}  // namespace

int RunShow(const std::vector<std::string>& args) {
  std::string manifest_path, policy_path, db_path, package;
  std::vector<std::string> cargo_args;
  po::options_description desc(
      "usage: cargo warden show [PACKAGE] [options] [-- CARGO_ARGS...]\n\n"
      "Per package with a build script: what its Cargo.toml declares under\n"
      "[package.metadata.warden], what warden.yaml grants, what the last run\n"
      "observed, and what was observed but not declared.\n\noptions");
  desc.add_options()
      ("help,h", "print this help")
      ("manifest-path", po::value(&manifest_path), "Cargo.toml of the workspace")
      ("policy", po::value(&policy_path), "policy file (default: warden.yaml at the workspace root)")
      ("db", po::value(&db_path), "SQLite database (default: <target-dir>/warden/warden.db)")
      ("package", po::value(&package), "only this package");
  po::positional_options_description positional;
  positional.add("package", 1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!ParseCommandLine(args, "show", desc, &positional, vm, cargo_args,
                        exit_code))
    return exit_code;
  absl::StatusOr<Workspace> ws = LoadWorkspace(manifest_path, cargo_args, Packages::kAll);
  if (!ws.ok()) return Fail(kExitEnvironment, std::string(ws.status().message()));
  if (policy_path.empty()) policy_path = ws->root + "/warden.yaml";
  if (db_path.empty()) db_path = ws->target_dir + "/warden/warden.db";

  absl::StatusOr<Policy> declared = DeclaredPolicy(ws->packages);
  if (!declared.ok()) return Fail(kExitUsage, std::string(declared.status().message()));
  Policy granted;
  if (std::filesystem::exists(policy_path)) {
    absl::StatusOr<Policy> loaded = LoadPolicyWithOverride(policy_path);
    if (!loaded.ok()) return Fail(kExitUsage, std::string(loaded.status().message()));
    granted = *loaded;
  }
  Policy observed;
  std::string observed_title = "observed (no run recorded yet)";
  if (std::filesystem::exists(db_path)) {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(db_path);
    if (!store.ok()) return Fail(kExitEnvironment, std::string(store.status().message()));
    absl::StatusOr<std::vector<RunRecord>> runs = (*store)->ListRuns(ws->root);
    if (runs.ok() && !runs->empty()) {
      const RunRecord& last = (*runs)[0];
      const PathVars machine = MachineVars(RustSysroot());
      absl::StatusOr<std::vector<Observation>> obs =
          Observations(**store, last.id, machine);
      if (!obs.ok()) return Fail(kExitEnvironment, std::string(obs.status().message()));
      // As learn proposes: build scripts a warm build did not rerun count
      // with their latest earlier observation.
      absl::StatusOr<std::vector<PackageId>> locked =
          LockedPackages(ws->root + "/Cargo.lock");
      if (last.mode == "learn" && locked.ok())
        if (absl::StatusOr<std::vector<Observation>> carried =
                CarriedObservations(**store, last.id, *locked, machine);
            carried.ok())
          for (Observation& o : *carried) obs->push_back(std::move(o));
      observed = ProposeBehaviour(*std::move(obs));
      observed_title = absl::StrCat("observed (run ", last.id, ", ", last.mode, ")");
    }
  }

  bool any = false;
  for (const CargoPackage& p : ws->packages) {
    if (!p.has_build_script || (!package.empty() && p.id.name != package))
      continue;
    any = true;
    std::set<std::string> d = GrantLines(*declared, p.id.name);
    std::set<std::string> o = GrantLines(observed, p.id.name);
    std::set<std::string> undeclared;
    for (const std::string& line : o)
      if (!d.count(line)) undeclared.insert(line);
    printf("%s %s (%s)\n", p.id.name.c_str(), p.id.version.c_str(),
           p.id.source.c_str());
    PrintSection("declared (Cargo.toml [package.metadata.warden])", d,
                 p.declared_yaml.empty() ? "nothing declared" : "declares baseline only");
    PrintSection("granted (warden.yaml)", GrantLines(granted, p.id.name), "baseline only");
    PrintSection(observed_title.c_str(), o, "baseline only");
    if (!p.declared_yaml.empty())
      PrintSection("observed but not declared", undeclared, "none");
    printf("\n");
  }
  if (!any && !package.empty())
    return Fail(kExitUsage, "no package named '" + package + "' with a build script in this workspace");
  return kExitOk;
}

}  // namespace warden
