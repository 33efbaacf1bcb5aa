#include "policy/contained.h"

#include <cerrno>
#include <initializer_list>

#include "policy/floor.h"
#include "policy/path.h"
#include "policy/pattern.h"

namespace warden {
namespace {

constexpr std::string_view kNetwork = "network";
constexpr std::string_view kHomeRead = "read under $HOME";
constexpr std::string_view kCredentials = "read of cargo's registry credentials";
constexpr std::string_view kWriteOutside = "write outside the build's directories";
constexpr std::string_view kExecOutside =
    "exec outside the toolchain and the system";

// Grants says whether `dir` opens the fence for `path`: a directory that
// holds all of $HOME ({tmp} = /tmp with HOME=/tmp/u) opens nothing in it.
bool Grants(std::string_view path, std::string_view dir, const PathVars& vars) {
  return IsUnder(path, dir) &&
         !(IsUnder(vars.home, dir) && IsUnder(path, vars.home));
}

bool GrantsAny(std::string_view path,
               std::initializer_list<std::string_view> dirs,
               const PathVars& vars) {
  for (std::string_view dir : dirs)
    if (Grants(path, dir, vars)) return true;
  return false;
}

// Credentials are cargo's token files, which lie in {cargo_home} but are
// nothing a build needs.
bool Credentials(std::string_view path, const PathVars& vars) {
  const std::string_view dir = Dirname(path);
  const std::string_view name = Basename(path);
  return !vars.cargo_home.empty() && dir == NormalizePath(vars.cargo_home) &&
         (name == "credentials" || name == "credentials.toml");
}

bool Readable(std::string_view path, const PathVars& vars) {
  if (Credentials(path, vars)) return false;
  return !IsUnder(path, vars.home) ||
         GrantsAny(path,
                   {vars.workspace_root, vars.manifest_dir, vars.target_dir,
                    vars.out_dir, vars.cargo_home, vars.rustup_home,
                    vars.sysroot, vars.tmp},
                   vars);
}

bool Writable(std::string_view path, const PathVars& vars) {
  // "pipe:", "socket:": objects the tree already holds, no file.
  if (!path.starts_with('/')) return true;
  if (GrantsAny(path, {vars.out_dir, vars.target_dir}, vars)) return true;
  // Temporaries, but not the sources of a workspace that lies in {tmp}.
  if (GrantsAny(path, {vars.tmp, "/dev/shm"}, vars) &&
      !IsUnder(path, vars.workspace_root) && !IsUnder(path, vars.manifest_dir))
    return true;
  for (const char* device : kSinkDevices)
    if (path == device) return true;
  // The tree's own descriptors and terminal (the baseline's write grants).
  return path == "/dev/tty" || GlobMatch("/dev/fd/*", path) ||
         GlobMatch("/proc/self/fd/*", path);
}

bool Executable(std::string_view path, const PathVars& vars) {
  for (const char* dir : kSystemProgramDirs)
    if (Grants(path, dir, vars)) return true;
  const std::string cargo_bin =
      vars.cargo_home.empty() ? "" : vars.cargo_home + "/bin";
  return GrantsAny(path,
                   {vars.sysroot, vars.rustup_home, cargo_bin, vars.out_dir,
                    vars.target_dir, vars.tmp, vars.manifest_dir},
                   vars);
}

bool Inet(std::string_view address) {
  return address.starts_with("tcp:") || address.starts_with("udp:");
}

}  // namespace

std::optional<std::string_view> ContainmentReason(const Event& event,
                                                  const PathVars& vars) {
  switch (AccessOf(event.op)) {
    case Access::kRead:
      if (Readable(event.target, vars)) return std::nullopt;
      return Credentials(event.target, vars) ? kCredentials : kHomeRead;
    case Access::kWrite: {
      // A rename's destination, a hard link's existing file: a link from
      // outside would make a refused file readable by a name inside.
      const bool second = event.op == Op::kRename || event.op == Op::kLink;
      if (Writable(event.target, vars) &&
          (!second || Writable(event.detail, vars)))
        return std::nullopt;
      return kWriteOutside;
    }
    case Access::kExec:
      if (Executable(event.target, vars)) return std::nullopt;
      return kExecOutside;
    case Access::kConnect:
    case Access::kBind:
      if (!Inet(event.target)) return std::nullopt;
      return kNetwork;
    case Access::kNone:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string_view> ContainmentDenial(
    const Event& event, const PathVars& vars,
    const std::vector<std::string>& warden_files) {
  if (event.allowed || WritesWardenFile(event, warden_files))
    return std::nullopt;
  return ContainmentReason(event, vars);
}

ContainedLearnDecider::ContainedLearnDecider(
    PathVars vars, std::vector<std::string> warden_files,
    const PackagePolicy* granted)
    : vars_(std::move(vars)), learn_(std::move(warden_files)) {
  if (granted != nullptr) granted_.emplace(*granted);
}

bool ContainedLearnDecider::Decide(const Event& event,
                                   std::string_view requested) {
  if (!learn_.Decide(event, requested)) return false;
  if (!ContainmentReason(event, vars_)) return true;
  return granted_ && granted_->Decide(event, requested);
}

bool ContainedLearnDecider::AllowsOtherProcess(const Event& event,
                                               std::string_view requested) {
  const std::optional<std::string> pattern = OtherProcessPattern(event.target);
  if (event.op == Op::kRead && pattern &&
      (requested == event.target || OtherProcessPattern(requested) == pattern))
    return true;
  return granted_ && granted_->AllowsOtherProcess(event, requested);
}

int ContainedLearnDecider::RefusalError(const Event& event) {
  if (Hidden(event)) return ENOENT;
  const std::optional<std::string_view> reason = ContainmentReason(event, vars_);
  return reason && *reason == kHomeRead ? ENOENT : EACCES;
}

}  // namespace warden
