#include "learner/inputs.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "policy/path.h"
#include "policy/pattern.h"

namespace warden {
namespace {

// IsInput says whether a successful read of `path` is something a build
// script would be expected to declare: a file, not the system, toolchain,
// outputs or scratch space (the C compiler's own `{tmp}/cc*.s`), nor a pipe.
bool IsInput(const std::string& path, const PathVars& vars) {
  if (!path.starts_with('/')) return false;
  for (const std::string* dir :
       {&vars.out_dir, &vars.target_dir, &vars.sysroot, &vars.rustup_home}) {
    if (!dir->empty() && IsUnder(path, *dir)) return false;
  }
  // Package sources may themselves lie under /usr (Debian's registry).
  if (IsUnder(path, vars.manifest_dir) || IsUnder(path, vars.workspace_root)) {
    return true;
  }
  if (!vars.tmp.empty() && IsUnder(path, vars.tmp)) return false;
  for (const char* system : {"/usr", "/lib", "/lib32", "/lib64", "/etc",
                             "/proc", "/sys", "/dev", "/bin", "/sbin"}) {
    if (IsUnder(path, system)) return false;
  }
  return true;
}

// Declared returns the absolute rerun-if-changed paths (cargo takes relative
// ones from the package root) and whether any rerun-if-* was printed.
std::vector<std::string> Declared(const Observation& obs, bool& any_rerun) {
  std::vector<std::string> declared;
  any_rerun = !obs.env_used.empty();
  for (const Directive& directive : obs.directives) {
    if (directive.key == "rerun-if-env-changed") any_rerun = true;
    if (directive.key != "rerun-if-changed" || directive.value.empty()) {
      continue;
    }
    any_rerun = true;
    const std::string& value = directive.value;
    declared.push_back(NormalizePath(
        value[0] == '/' ? value : obs.vars.manifest_dir + "/" + value));
  }
  return declared;
}

void AddPattern(const std::string& path, const PathVars& vars,
                std::vector<std::string>& out) {
  const std::optional<std::string> pattern = PathToPattern(path, vars);
  out.push_back(pattern ? *pattern : path);
}

void SortUnique(std::vector<std::string>& list) {
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
}

// Tally gathers, over one package's observations, the undeclared reads and
// which declared paths (in variable form) were read in some run.
struct Tally {
  std::vector<std::string> undeclared;
  std::vector<std::string> declared;
  std::vector<std::string> declared_read;
};

void Count(const Observation& obs, Tally& tally) {
  bool any_rerun = false;
  const std::vector<std::string> declared = Declared(obs, any_rerun);
  std::vector<bool> read(declared.size(), false);
  for (const Event& event : obs.events) {
    if (event.op != Op::kRead || !event.allowed || event.error != 0) continue;
    const std::string path = NormalizePath(event.target);
    bool covered = !any_rerun && IsUnder(path, obs.vars.manifest_dir);
    for (size_t i = 0; i < declared.size(); ++i) {
      if (IsUnder(path, declared[i])) covered = read[i] = true;
    }
    if (!covered && IsInput(path, obs.vars)) {
      AddPattern(path, obs.vars, tally.undeclared);
    }
  }
  for (size_t i = 0; i < declared.size(); ++i) {
    AddPattern(declared[i], obs.vars,
               read[i] ? tally.declared_read : tally.declared);
  }
}

InputCoverage Finish(Tally& tally, const std::string& build_script) {
  InputCoverage coverage;
  coverage.undeclared_inputs = std::move(tally.undeclared);
  SortUnique(coverage.undeclared_inputs);
  SortUnique(tally.declared_read);
  SortUnique(tally.declared);
  for (const std::string& path : tally.declared) {
    if (path == build_script ||
        std::binary_search(tally.declared_read.begin(),
                           tally.declared_read.end(), path)) {
      continue;
    }
    coverage.declared_unread.push_back(path);
  }
  return coverage;
}

}  // namespace

InputCoverage CheckInputs(const Observation& obs) {
  Tally tally;
  Count(obs, tally);
  return Finish(tally, "");
}

InputCoverage CheckPackageInputs(const std::vector<Observation>& observations,
                                 const PackageId& package,
                                 const std::string& build_script) {
  Tally tally;
  for (const Observation& obs : observations) {
    if (obs.compile || obs.package.name != package.name ||
        obs.package.version != package.version) {
      continue;
    }
    Count(obs, tally);
  }
  const std::string script =
      build_script.empty() ? "" : "{manifest_dir}/" + build_script;
  return Finish(tally, NormalizePath(script));
}

}  // namespace warden
