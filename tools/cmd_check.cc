// `cargo warden check`: compares warden.yaml with Cargo.lock and the
// packages' manifests, without building. The comparison is policy/check.h.
#include <boost/program_options.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "policy/check.h"
#include "policy/override.h"
#include "policy/yaml.h"
#include "tools/cargo.h"
#include "tools/cargo_files.h"
#include "tools/cli.h"
#include "tools/commands.h"
#include "tools/sarif.h"

namespace warden {
namespace {

namespace po = boost::program_options;

int Fail(int code, const std::string& message) {
  fprintf(stderr, "cargo-warden check: %s\n", message.c_str());
  return code;
}

// SarifFindings are `findings` as SARIF errors, located at the package's
// entry in `policy_path` (its start when there is none) and at the
// package's Cargo.toml when it is locked.
std::vector<SarifFinding> SarifFindings(const std::vector<CheckFinding>& findings,
                                        const std::string& policy_path,
                                        const std::vector<CargoPackage>& packages) {
  const std::map<std::string, TextPosition> positions =
      PackageEntryPositionsInFile(policy_path);
  std::vector<SarifFinding> out;
  for (const CheckFinding& f : findings) {
    const std::string kind = CheckKindName(f.kind);
    SarifFinding s{.rule_id = SarifRuleId("check", kind),
                   .rule_name = "warden.yaml and the workspace disagree: " + kind,
                   .help = CheckKindHelp(f.kind),
                   .message = absl::StrCat(f.package, f.version.empty() ? "" : " ",
                                           f.version, ": ", kind, ": ", f.detail),
                   .locations = {},
                   .properties = {{"package", f.package}, {"version", f.version},
                                  {"kind", kind}, {"detail", f.detail}}};
    auto at = positions.find(f.package);
    s.locations.push_back({SarifUri(policy_path),
                           at == positions.end() ? 0 : at->second.line,
                           at == positions.end() ? 0 : at->second.column});
    for (const CargoPackage& p : packages)
      if (p.id.name == f.package && p.id.version == f.version)
        s.locations.push_back({SarifUri(p.manifest_dir + "/Cargo.toml"), 0, 0});
    out.push_back(std::move(s));
  }
  return out;
}

void Print(const std::vector<CheckFinding>& findings, const std::string& format,
           const std::string& policy_path, const std::vector<CargoPackage>& packages) {
  if (format == "sarif") {
    fputs(SarifDocument(SarifFindings(findings, policy_path, packages)).c_str(), stdout);
    return;
  }
  if (format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const CheckFinding& f : findings)
      out.push_back({{"kind", CheckKindName(f.kind)}, {"package", f.package},
                     {"version", f.version}, {"detail", f.detail}});
    printf("%s\n", out.dump(2).c_str());
    return;
  }
  for (const CheckFinding& f : findings)
    printf("%s: %s%s%s: %s\n", CheckKindName(f.kind), f.package.c_str(),
           f.version.empty() ? "" : " ", f.version.c_str(), f.detail.c_str());
  if (findings.empty()) printf("warden.yaml matches the workspace\n");
}

}  // namespace

int RunCheck(const std::vector<std::string>& args) {
  std::string manifest_path, policy_path, format = "human";
  std::vector<std::string> cargo_args;
  po::options_description desc(
      "usage: cargo warden check [options] [-- CARGO_ARGS...]\n\n"
      "Without building, compares warden.yaml with Cargo.lock and the\n"
      "packages' [package.metadata.warden] tables: build scripts with no\n"
      "entry, entries for packages no longer locked, version requirements\n"
      "that match no locked version, declared vs granted. Exit 1 on findings.\n"
      "\noptions");
  desc.add_options()
      ("help,h", "print this help")
      ("manifest-path", po::value(&manifest_path), "Cargo.toml of the workspace")
      ("policy", po::value(&policy_path), "policy file (default: warden.yaml at the workspace root)")
      ("format", po::value(&format),
       "human (default), json, or sarif (a SARIF 2.1.0 document: rules "
       "WARDEN-CHECK-<KIND>, located at the package's entry in warden.yaml)");
  po::variables_map vm;
  int exit_code = kExitOk;
  if (!ParseCommandLine(args, "check", desc, nullptr, vm, cargo_args, exit_code))
    return exit_code;
  if (format != "human" && format != "json" && format != "sarif")
    return Fail(kExitUsage, "--format must be human, json or sarif");
  cargo_args.insert(cargo_args.begin(), "--offline");  // check never fetches
  absl::StatusOr<Workspace> ws = LoadWorkspace(manifest_path, cargo_args, Packages::kAll);
  if (!ws.ok()) return Fail(kExitEnvironment, std::string(ws.status().message()));
  if (policy_path.empty()) policy_path = ws->root + "/warden.yaml";
  if (!std::filesystem::exists(policy_path))
    return Fail(kExitUsage, policy_path + " does not exist (cargo warden init writes one)");
  absl::StatusOr<Policy> granted = LoadPolicyWithOverride(policy_path);
  if (!granted.ok()) return Fail(ExitFor(granted.status()), std::string(granted.status().message()));
  absl::StatusOr<Policy> declared = DeclaredPolicy(ws->packages);
  if (!declared.ok()) return Fail(kExitUsage, std::string(declared.status().message()));
  absl::StatusOr<std::vector<PackageId>> locked = LockedPackages(ws->root + "/Cargo.lock");
  if (!locked.ok()) return Fail(kExitEnvironment, std::string(locked.status().message()));

  PolicyCheckInputs in{&*granted, &*declared, *locked, {}};
  for (const CargoPackage& p : ws->packages)
    if (p.has_build_script) in.build_scripts.push_back(p.id);
  std::vector<CheckFinding> findings = CheckPolicy(in);
  Print(findings, format, policy_path, ws->packages);
  return findings.empty() ? kExitOk : kExitFindings;
}

}  // namespace warden
