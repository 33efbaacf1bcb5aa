#include "policy/floor.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/numbers.h"
#include "policy/pattern.h"
#include "policy/syntax.h"

namespace warden {
namespace {

using policy_internal::ExpandPath;
using policy_internal::NetScheme;
using policy_internal::ParseNetRule;
using policy_internal::PatternRoot;

// Read without execute, as far as any user may read them: configuration,
// devices and the kernel's views. Landlock does not stop a process from
// reading another one's /proc/<pid>/environ, so the floor grants no numeric
// /proc entry (each program gets its own /proc/self); and a build run as
// root must not read /etc/shadow, raw disks or /proc/kcore. Of /sys only
// what runtimes size themselves by (CPUs, NUMA nodes, cgroup limits, huge
// pages): the rest names the machine's hardware (serial numbers, MACs) and,
// with 7,000 files only root may read, cannot be split into rules.
struct SystemData {
  const char* dir;
  int split_depth;  // how deep a directory holding unreadable files is split
};
constexpr SystemData kSystemData[] = {
    {"/etc", 4},
    {"/dev", 2},
    {"/proc", 1},
    {"/sys/devices/system/cpu", 0},
    {"/sys/devices/system/node", 0},
    {"/sys/fs/cgroup", 0},
    {"/sys/kernel/mm/transparent_hugepage", 0},
};

// Any user may read it (and search it, for a directory).
bool WorldReadable(const struct stat& st) {
  const mode_t need = S_IROTH | (S_ISDIR(st.st_mode) ? S_IXOTH : 0);
  return (st.st_mode & need) == need;
}

bool WorldReadable(const std::filesystem::path& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && WorldReadable(st);
}

// WhollyReadable says whether everything below the directory `name` (under
// `parent`, to a few levels) may be read by any user. A directory's own
// entries are checked before any is descended into: /etc/shadow then ends
// the walk of /etc at once. Symbolic links below are skipped: Landlock
// checks what a link reaches where that lives, not under the link. Names
// resolve from their directory's fd, a component each (/etc/ssl/certs alone
// is hundreds of entries).
bool WhollyReadable(int parent, const char* name, int levels, bool follow) {
  if (levels == 0) return true;
  const int fd = openat(parent, name,
                        O_RDONLY | O_DIRECTORY | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
  if (fd < 0) return false;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(fdopendir(fd), closedir);
  if (dir == nullptr) {
    close(fd);
    return false;
  }
  std::vector<std::string> subdirs;
  for (;;) {
    errno = 0;  // readdir's end and its errors both return null
    const dirent* e = readdir(dir.get());
    if (e == nullptr) break;
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || e->d_type == DT_LNK)
      continue;
    struct stat st;
    if (fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
    if (S_ISLNK(st.st_mode)) continue;
    if (!WorldReadable(st)) return false;
    if (S_ISDIR(st.st_mode)) subdirs.push_back(e->d_name);
  }
  if (errno != 0) return false;
  for (const std::string& sub : subdirs)
    if (!WhollyReadable(fd, sub.c_str(), levels - 1, false)) return false;
  return true;
}

bool IsProcessEntry(const std::string& name) {
  return name == "self" || name == "thread-self" ||
         name.find_first_not_of("0123456789") == std::string::npos;
}

// AddReadable grants `path` whole when any user may read all of it, else,
// down to `depth` levels, the parts that any user may read.
void AddReadable(const std::filesystem::path& path, int depth,
                 std::vector<std::string>& into) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!WorldReadable(path)) return;
  if (depth == 0 || !fs::is_directory(path, ec) ||
      WhollyReadable(AT_FDCWD, path.c_str(), 6, true)) {
    into.push_back(path.string());
    return;
  }
  for (const fs::directory_entry& e : fs::directory_iterator(path, ec))
    if (!(path == "/proc" && IsProcessEntry(e.path().filename().string())))
      AddReadable(e.path(), depth - 1, into);
}

// A TCP rule with more ports than this leaves TCP unrestricted instead of
// adding a Landlock rule per port.
constexpr uint32_t kMaxPortRules = 64;

void AddRoots(const std::vector<Rule>& rules, const PathVars& vars,
              std::vector<std::string>& into) {
  for (const Rule& rule : rules)
    if (std::optional<std::string> path = ExpandPath(rule.value, vars))
      into.push_back(PatternRoot(*path));
}

// AddPorts adds the TCP ports of `rules`; false when a rule spans too many
// ports (or any port) for Landlock rules, so TCP cannot be restricted.
bool AddPorts(const std::vector<Rule>& rules, std::vector<uint16_t>& into) {
  for (const Rule& rule : rules) {
    absl::StatusOr<policy_internal::NetSpec> spec = ParseNetRule(rule.value);
    if (!spec.ok() || spec->scheme != NetScheme::kTcp) continue;
    if (spec->port_hi - spec->port_lo >= kMaxPortRules) return false;
    for (uint32_t port = spec->port_lo; port <= spec->port_hi; ++port)
      into.push_back(static_cast<uint16_t>(port));
  }
  return true;
}

void AddIfSet(const std::string& path, std::vector<std::string>& into) {
  if (!path.empty()) into.push_back(path);
}

}  // namespace

LandlockPlan BaseFloor(const Policy& policy, const PathVars& vars,
                       int landlock_abi) {
  LandlockPlan plan;
  plan.restrict_fs = true;
  plan.scope = landlock_abi >= 6;
  for (const char* dir : kSystemProgramDirs) plan.read_paths.push_back(dir);
  for (const std::string& dir : vars.path_dirs) plan.read_paths.push_back(dir);
  AddIfSet(vars.rustup_home, plan.read_paths);
  AddIfSet(vars.sysroot, plan.read_paths);
  if (!vars.cargo_home.empty()) {
    plan.read_paths.push_back(vars.cargo_home + "/bin");
    // Sources and cargo's own configuration; not credentials.toml.
    for (const char* entry : {"/registry", "/git", "/config.toml", "/config"})
      plan.data_paths.push_back(vars.cargo_home + entry);
  }
  for (const SystemData& data : kSystemData)
    AddReadable(data.dir, data.split_depth, plan.data_paths);
  AddIfSet(vars.workspace_root, plan.data_paths);
  AddIfSet(vars.target_dir, plan.data_paths);
  for (const char* device : kSinkDevices) plan.scratch_paths.push_back(device);

  const PackageEntry& grants = policy.compile;
  AddRoots(grants.read, vars, plan.data_paths);
  AddRoots(grants.write, vars, plan.scratch_paths);
  AddRoots(grants.exec, vars, plan.read_paths);
  plan.restrict_tcp = landlock_abi >= 4 &&
                      AddPorts(grants.connect, plan.connect_ports) &&
                      AddPorts(grants.bind, plan.bind_ports);
  if (!plan.restrict_tcp) {
    plan.connect_ports.clear();
    plan.bind_ports.clear();
  }
  return plan;
}

void AddCompileSite(LandlockPlan& plan, const CompileSite& site) {
  plan.data_paths.push_back("/proc/self");
  AddIfSet(site.sysroot, plan.read_paths);
  AddIfSet(site.manifest_dir, plan.data_paths);
  for (const std::string& out : site.outputs) AddIfSet(out, plan.scratch_paths);
  for (const std::string& dir : site.runs) AddIfSet(dir, plan.write_paths);
}

void AddRunSite(LandlockPlan& plan, const std::string& target_dir,
                const std::string& tmp) {
  namespace fs = std::filesystem;
  std::error_code ec;
  plan.data_paths.push_back("/proc/self");
  plan.scratch_paths.push_back("/dev/shm");
  plan.data_paths.push_back(target_dir);
  fs::create_directories(fs::path(target_dir) / "tests", ec);
  // Not "tmp" (CARGO_TARGET_TMPDIR): what a test builds there does not run,
  // so a nested cargo building into it cannot run its build scripts either.
  for (const fs::directory_entry& entry :
       fs::directory_iterator(target_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name == "warden") continue;
    plan.scratch_paths.push_back(entry.path().string());
    if (name != "tmp") plan.read_paths.push_back(entry.path().string());
  }
  AddIfSet(tmp, plan.scratch_paths);
}

namespace {

bool PortGranted(const std::vector<uint16_t>& ports, std::string_view target) {
  size_t colon = target.rfind(':');
  uint32_t port = 0;
  if (colon == std::string_view::npos ||
      !absl::SimpleAtoi(std::string(target.substr(colon + 1)), &port))
    return false;
  return std::find(ports.begin(), ports.end(), port) != ports.end();
}

}  // namespace

bool NeedsSupervisor(const CompileSite& site) {
  return site.loads_proc_macro || site.runs_doctests || site.shaped_by_build_script;
}

std::vector<Event> BeyondFloor(const std::vector<Event>& events,
                               const LandlockPlan& plan, bool enforce) {
  FloorDecider judge(plan);
  std::vector<Event> beyond;
  for (const Event& e : events) {
    // A pipe or socket reopened through /proc/self/fd (the jobserver) is
    // decided by the supervisor itself, not by the floor.
    const Access access = AccessOf(e.op);
    const bool held = (access == Access::kRead || access == Access::kWrite) &&
                      (e.target.empty() || e.target[0] != '/');
    if (!e.allowed || (!enforce && !held && e.error == 0 && !judge.Decide(e, e.target)))
      beyond.push_back(e);
  }
  return beyond;
}

bool FloorDecider::Decide(const Event& event, std::string_view requested) {
  (void)requested;  // the object reached is what Landlock checks
  const std::string& target = event.target;
  switch (AccessOf(event.op)) {
    case Access::kRead:
      // /proc/<pid>: the supervisor refuses other processes' before asking;
      // of the tree's own, the floor grants each program's /proc/self only,
      // which Landlock tells apart and a path cannot: leave those to it.
      return ProcPidLength(target) > 0 || PlanGrants(plan_, Access::kRead, target);
    case Access::kWrite:
      // A rename or hard link needs both names writable: Landlock's REFER
      // right lives in the write lists only.
      if ((event.op == Op::kRename || event.op == Op::kLink) &&
          !PlanGrants(plan_, Access::kWrite, event.detail))
        return false;
      return PlanGrants(plan_, Access::kWrite, target);
    case Access::kExec:
      return PlanGrants(plan_, Access::kExec, target);
    case Access::kConnect:
    case Access::kBind: {
      const bool connect = AccessOf(event.op) == Access::kConnect;
      if (target.rfind("tcp:", 0) == 0)
        return PortGranted(connect ? plan_.connect_ports : plan_.bind_ports,
                           target);
      // glibc probes for daemons such as nscd: a socket that is not there
      // cannot be reached (the supervisor's own connect fails too).
      struct stat st;
      if (connect && target.rfind("unix:/", 0) == 0)
        return lstat(target.c_str() + 5, &st) != 0 && errno == ENOENT;
      return false;
    }
    default:
      return false;
  }
}

bool AddCompilerCache(LandlockPlan& plan, const std::string& wrapper,
                      const std::string& configured_port) {
  if (std::filesystem::path(wrapper).filename() != "sccache") return false;
  uint32_t port = 4226;  // sccache's default
  if (!configured_port.empty() &&
      (!absl::SimpleAtoi(configured_port, &port) || port > 65535))
    port = 4226;
  if (plan.restrict_tcp) plan.connect_ports.push_back(static_cast<uint16_t>(port));
  return true;
}

}  // namespace warden
