#include "policy/pattern.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "policy/path.h"
#include "policy/syntax.h"
#include "policy/utf8.h"

namespace warden {
namespace {

using policy_internal::IsEnvNameChar;
using policy_internal::IsEnvNameStart;
using policy_internal::kVariableNames;
using policy_internal::Utf8Length;
using policy_internal::VariableValue;

// Spell writes one path component so that it matches only itself, bar the
// characters replaced by '?': glob characters and braces always, plus
// `unspellable`.
std::string Spell(std::string_view component, std::string_view unspellable) {
  std::string out;
  out.reserve(component.size());
  for (size_t i = 0; i < component.size();) {
    uint32_t cp;
    const size_t n = Utf8Length(component, i, cp);
    const bool literal =
        n > 1 || (n == 1 && std::string_view("*?{}").find(component[i]) ==
                                std::string_view::npos &&
                  unspellable.find(component[i]) == std::string_view::npos);
    if (literal) {
      out.append(component.substr(i, n));
    } else {
      out.push_back('?');
    }
    i += n == 0 ? 1 : n;
  }
  // The loader refuses '.' and '..' components.
  if (out == "." || out == "..") out.back() = '?';
  return out;
}

// AsProcSelf writes "/proc/<pid>/…" as "/proc/self/…".
std::string AsProcSelf(std::string path) {
  const size_t pid_end = ProcPidLength(path);
  if (pid_end == 0) return path;
  return path.replace(0, pid_end, "/proc/self");
}

}  // namespace

size_t ProcPidLength(std::string_view path) {
  constexpr std::string_view kProc = "/proc/";
  if (!path.starts_with(kProc)) return 0;
  size_t end = kProc.size();
  while (end < path.size() && absl::ascii_isdigit(path[end])) ++end;
  if (end == kProc.size() || (end < path.size() && path[end] != '/')) return 0;
  return end;
}

VariablePrefix FindVariablePrefix(std::string_view path, const PathVars& vars) {
  VariablePrefix best;
  for (std::string_view name : kVariableNames) {
    const std::string value = NormalizePath(*VariableValue(vars, name));
    if (value.empty() || value == "/" || value.size() <= best.length ||
        !IsUnder(path, value))
      continue;
    best.braced = "{" + std::string(name) + "}";
    best.length = value.size();
  }
  return best;
}

std::optional<std::string> OtherProcessPattern(std::string_view path) {
  const size_t pid_end = ProcPidLength(path);
  if (pid_end == 0) return std::nullopt;
  const std::string_view rest = path.substr(pid_end);
  for (std::string_view file : {"/stat", "/statm", "/status"})
    if (rest == file) return "/proc/*" + std::string(file);
  return std::nullopt;
}

std::optional<std::string> PathToPattern(std::string_view path,
                                         const PathVars& vars, Access access) {
  if (!path.starts_with('/')) return std::nullopt;
  const std::string normal = AsProcSelf(NormalizePath(path));
  if (normal == "/") return std::nullopt;
  VariablePrefix var = FindVariablePrefix(normal, vars);
  std::string pattern = std::move(var.braced);
  for (std::string_view c : SplitPath(std::string_view(normal).substr(var.length)))
    pattern += "/" + Spell(c, "");
  if (access == Access::kExec && pattern.find('/') == std::string::npos)
    pattern += "/";
  return pattern;
}

std::optional<std::string> ProgramToPattern(std::string_view program,
                                            const PathVars& vars) {
  const std::string_view dir = Dirname(program);
  const bool found_through_path =
      !Basename(program).empty() &&
      std::any_of(vars.path_dirs.begin(), vars.path_dirs.end(),
                  [&](const std::string& path_dir) {
                    return !path_dir.empty() && NormalizePath(path_dir) == dir;
                  });
  // The loader refuses blanks in program names.
  if (found_through_path) return Spell(Basename(program), " \t");
  return PathToPattern(program, vars, Access::kExec);
}

std::optional<std::string> NetTargetToPattern(std::string_view target,
                                              const PathVars& vars) {
  constexpr std::string_view kUnix = "unix:";
  if (!target.starts_with(kUnix)) return std::string(target);
  std::optional<std::string> path = PathToPattern(target.substr(kUnix.size()), vars);
  if (!path) return std::nullopt;
  return std::string(kUnix) + *path;
}

std::optional<std::string> EnvNameToPattern(std::string_view name) {
  const size_t end =
      std::find_if_not(name.begin(), name.end(), IsEnvNameChar) - name.begin();
  if (end == 0 || !IsEnvNameStart(name[0])) return std::nullopt;
  return std::string(name.substr(0, end)) + (end < name.size() ? "*" : "");
}

}  // namespace warden
