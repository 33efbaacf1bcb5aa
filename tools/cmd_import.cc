// `cargo warden import DIR`: seed warden.yaml with census entries for the
// crate versions Cargo.lock locks, without running any build script.
#include <boost/program_options.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "learner/import.h"
#include "policy/yaml.h"
#include "tools/atomic_write.h"
#include "tools/cargo.h"
#include "tools/cargo_files.h"
#include "tools/cli.h"
#include "tools/commands.h"

namespace warden {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

int Fail(int code, const std::string& message) {
  fprintf(stderr, "cargo-warden import: %s\n", message.c_str());
  return code;
}

// LoadCensus loads every *.yaml below `dir`, in name order (so imports are
// reproducible); a file that does not load is an error, not skipped.
absl::StatusOr<std::vector<CensusPolicy>> LoadCensus(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return absl::NotFoundError(absl::StrCat(dir, ": not a directory"));
  std::vector<std::string> files;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == ".yaml")
      files.push_back(e.path().string());
  if (ec) return absl::UnavailableError(absl::StrCat(dir, ": ", ec.message()));
  std::sort(files.begin(), files.end());
  std::vector<CensusPolicy> census;
  for (const std::string& f : files) {
    absl::StatusOr<Policy> p = LoadPolicyFile(f);
    if (!p.ok()) return p.status();
    census.push_back({f, *std::move(p)});
  }
  return census;
}

void PrintList(const char* title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  printf("%s (%zu):\n", title, items.size());
  for (const std::string& i : items) printf("  %s\n", i.c_str());
}

}  // namespace

int RunImport(const std::vector<std::string>& args) {
  std::string manifest_path, policy_path, dir;
  std::vector<std::string> cargo_args;
  po::options_description desc(
      "usage: cargo warden import DIR [options] [-- CARGO_ARGS...]\n\n"
      "Adds to warden.yaml, for each registry crate version Cargo.lock locks\n"
      "and warden.yaml has no entry for, the entry the census in DIR\n"
      "(census/policies) recorded for exactly that version, marked as\n"
      "imported. Runs no build script: review the imported entries.\n\noptions");
  desc.add_options()
      ("help,h", "print this help")
      ("manifest-path", po::value(&manifest_path), "Cargo.toml of the workspace")
      ("policy", po::value(&policy_path), "policy file (default: warden.yaml at the workspace root)")
      ("dir", po::value(&dir), "census directory");
  po::positional_options_description positional;
  positional.add("dir", 1);
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!ParseCommandLine(args, "import", desc, &positional, vm, cargo_args,
                        exit_code))
    return exit_code;
  if (dir.empty()) return Fail(kExitUsage, "a census directory is needed: import DIR");
  absl::StatusOr<std::vector<CensusPolicy>> census = LoadCensus(dir);
  if (!census.ok()) return Fail(kExitUsage, std::string(census.status().message()));
  // cargo metadata resolves (and writes Cargo.lock) without building.
  absl::StatusOr<Workspace> ws = LoadWorkspace(manifest_path, cargo_args, Packages::kAll);
  if (!ws.ok()) return Fail(kExitEnvironment, std::string(ws.status().message()));
  absl::StatusOr<std::vector<PackageId>> locked = LockedPackages(ws->root + "/Cargo.lock");
  if (!locked.ok()) return Fail(kExitEnvironment, std::string(locked.status().message()));
  if (policy_path.empty()) policy_path = ws->root + "/warden.yaml";
  Policy existing;
  if (fs::exists(policy_path)) {
    absl::StatusOr<Policy> loaded = LoadPolicyFile(policy_path);
    if (!loaded.ok()) return Fail(kExitUsage, std::string(loaded.status().message()));
    existing = *std::move(loaded);
  }
  const ImportResult r = ImportCensus(existing, *locked, *census);
  PrintList("imported, review before enforce", r.imported);
  PrintList("kept (already in the policy)", r.kept);
  PrintList("not in the census (learn them)", r.missing);
  if (r.imported.empty()) return kExitOk;
  absl::Status written = WriteFileAtomically(policy_path, SavePolicy(r.policy));
  if (!written.ok()) return Fail(kExitEnvironment, std::string(written.message()));
  printf("wrote %s\n", policy_path.c_str());
  return kExitOk;
}

}  // namespace warden
