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
// script would be expected to declare: not the system, toolchain or outputs.
bool IsInput(const std::string& path, const PathVars& vars) {
  for (const std::string* dir :
       {&vars.out_dir, &vars.target_dir, &vars.sysroot, &vars.rustup_home}) {
    if (!dir->empty() && IsUnder(path, *dir)) return false;
  }
  // Package sources may themselves lie under /usr (Debian's registry).
  if (IsUnder(path, vars.manifest_dir) || IsUnder(path, vars.workspace_root)) {
    return true;
  }
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

}  // namespace

InputCoverage CheckInputs(const Observation& obs) {
  bool any_rerun = false;
  const std::vector<std::string> declared = Declared(obs, any_rerun);
  std::vector<bool> read(declared.size(), false);
  InputCoverage coverage;
  for (const Event& event : obs.events) {
    if (event.op != Op::kRead || !event.allowed || event.error != 0) continue;
    const std::string path = NormalizePath(event.target);
    bool covered = !any_rerun && IsUnder(path, obs.vars.manifest_dir);
    for (size_t i = 0; i < declared.size(); ++i) {
      if (IsUnder(path, declared[i])) covered = read[i] = true;
    }
    if (!covered && IsInput(path, obs.vars)) {
      AddPattern(path, obs.vars, coverage.undeclared_inputs);
    }
  }
  for (size_t i = 0; i < declared.size(); ++i) {
    if (!read[i]) AddPattern(declared[i], obs.vars, coverage.declared_unread);
  }
  SortUnique(coverage.undeclared_inputs);
  SortUnique(coverage.declared_unread);
  return coverage;
}

}  // namespace warden
