// `cargo warden init`: writes a starting warden.yaml (learner/starter.h).
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>

#include "learner/starter.h"
#include "tools/atomic_write.h"
#include "tools/cargo.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace warden {
namespace {

namespace po = boost::program_options;

int Fail(int code, const std::string& message) {
  fprintf(stderr, "cargo-warden init: %s\n", message.c_str());
  return code;
}

}  // namespace

int RunInit(const std::vector<std::string>& args) {
  std::string manifest_path, policy_path;
  std::vector<std::string> cargo_args;
  po::options_description desc(
      "usage: cargo warden init [options] [-- CARGO_ARGS...]\n\n"
      "Writes a commented warden.yaml with one entry per package with a build\n"
      "script, granting what it declares under [package.metadata.warden].\n"
      "\noptions");
  desc.add_options()
      ("help,h", "print this help")
      ("manifest-path", po::value(&manifest_path), "Cargo.toml of the workspace")
      ("policy", po::value(&policy_path), "file to write (default: warden.yaml at the workspace root)")
      ("force", "overwrite an existing file");
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!ParseCommandLine(args, "init", desc, nullptr, vm, cargo_args, exit_code))
    return exit_code;
  cargo_args.insert(cargo_args.begin(), "--offline");
  absl::StatusOr<Workspace> ws = LoadWorkspace(manifest_path, cargo_args, Packages::kAll);
  if (!ws.ok()) return Fail(kExitEnvironment, std::string(ws.status().message()));
  if (policy_path.empty()) policy_path = ws->root + "/warden.yaml";
  if (std::filesystem::exists(policy_path) && !vm.count("force"))
    return Fail(kExitUsage, policy_path + " exists (--force overwrites it)");
  absl::StatusOr<Policy> declared = DeclaredPolicy(ws->packages);
  if (!declared.ok()) return Fail(kExitUsage, std::string(declared.status().message()));
  std::vector<PackageId> build_scripts;
  for (const CargoPackage& p : ws->packages)
    if (p.has_build_script) build_scripts.push_back(p.id);
  if (absl::Status s = WriteFileAtomically(policy_path, StarterPolicyText(build_scripts, *declared));
      !s.ok())
    return Fail(kExitEnvironment, std::string(s.message()));
  printf("wrote %s (%zu packages with a build script)\n", policy_path.c_str(), build_scripts.size());
  return kExitOk;
}

}  // namespace warden
