#include "tracer/landlock.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tracer/elf_file.h"
#include "tracer/tracee.h"
#include "tracer/unique_fd.h"

namespace warden {
namespace {

// Debian 12's kernel headers (6.1) stop at ABI 2; these are from later ABIs.
constexpr uint64_t kFsTruncate = 1ULL << 14;   // ABI 3
constexpr uint64_t kFsIoctlDev = 1ULL << 15;   // ABI 5
constexpr uint64_t kNetBindTcp = 1ULL << 0;    // ABI 4
constexpr uint64_t kNetConnectTcp = 1ULL << 1; // ABI 4
constexpr uint64_t kScopeAbstractUnix = 1ULL << 0;  // ABI 6
constexpr uint64_t kScopeSignal = 1ULL << 1;        // ABI 6
constexpr int kRuleNetPort = 2;

struct RulesetAttr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;
  uint64_t scoped;
};
struct NetPortAttr {
  uint64_t allowed_access;
  uint64_t port;
};

constexpr uint64_t kFileRights = LANDLOCK_ACCESS_FS_EXECUTE |
                                 LANDLOCK_ACCESS_FS_WRITE_FILE |
                                 LANDLOCK_ACCESS_FS_READ_FILE | kFsTruncate |
                                 kFsIoctlDev;
constexpr uint64_t kDataRights =
    LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
constexpr uint64_t kReadRights = LANDLOCK_ACCESS_FS_EXECUTE | kDataRights;
// What output_paths grant, and all a plan restricting writes handles.
constexpr uint64_t kOutputRights = LANDLOCK_ACCESS_FS_WRITE_FILE |
                                   LANDLOCK_ACCESS_FS_MAKE_REG | kFsTruncate;

uint64_t FsRightsForAbi(int abi) {
  uint64_t rights = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;  // ABI 1
  if (abi >= 2) rights |= LANDLOCK_ACCESS_FS_REFER;
  if (abi >= 3) rights |= kFsTruncate;
  if (abi >= 5) rights |= kFsIoctlDev;
  return rights;
}

absl::Status AddPathRule(int ruleset, const std::string& path,
                         uint64_t rights) {
  UniqueFd fd(open(path.c_str(), O_PATH | O_CLOEXEC));
  if (!fd.valid()) return absl::OkStatus();  // nothing there to grant
  struct stat st;
  // A pipe or socket reached through /proc/self/fd (/dev/stdin …) is no
  // file-system object: nothing to grant, and Landlock refuses it.
  if (fstat(fd.get(), &st) != 0 || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))
    return absl::OkStatus();
  if (!S_ISDIR(st.st_mode)) rights &= kFileRights;
  landlock_path_beneath_attr attr{};
  attr.allowed_access = rights;
  attr.parent_fd = fd.get();
  if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr,
              0) != 0)
    return absl::InternalError(absl::StrCat("landlock rule for ", path, ": ",
                                            strerror(errno)));
  return absl::OkStatus();
}

absl::Status AddPortRule(int ruleset, uint16_t port, uint64_t access) {
  NetPortAttr attr{access, port};
  if (syscall(SYS_landlock_add_rule, ruleset, kRuleNetPort, &attr, 0) != 0)
    return absl::InternalError(absl::StrCat("landlock rule for port ", port,
                                            ": ", strerror(errno)));
  return absl::OkStatus();
}

// The plan's path lists: their key in the encoding and the rights each
// grants (masked by what the running ABI knows).
struct PathList {
  std::string_view key;
  std::vector<std::string> LandlockPlan::*paths;
  uint64_t rights;
};
constexpr PathList kPathLists[] = {
    {"read", &LandlockPlan::read_paths, kReadRights},
    {"data", &LandlockPlan::data_paths, kDataRights},
    {"write", &LandlockPlan::write_paths, ~0ULL},
    {"scratch", &LandlockPlan::scratch_paths, ~uint64_t{LANDLOCK_ACCESS_FS_EXECUTE}},
    {"output", &LandlockPlan::output_paths, kOutputRights},
};

// AddRules adds the plan's rules with the rights the ruleset handles, `fs`.
absl::Status AddRules(int ruleset, const LandlockPlan& plan, uint64_t fs) {
  for (const PathList& list : kPathLists) {
    // A list granting none of the handled rights adds nothing (and Landlock
    // refuses a rule with no right).
    if ((list.rights & fs) == 0) continue;
    for (const std::string& p : plan.*list.paths)
      if (absl::Status s = AddPathRule(ruleset, p, list.rights & fs); !s.ok())
        return s;
  }
  if (plan.restrict_tcp) {
    for (uint16_t port : plan.connect_ports)
      if (absl::Status s = AddPortRule(ruleset, port, kNetConnectTcp); !s.ok())
        return s;
    for (uint16_t port : plan.bind_ports)
      if (absl::Status s = AddPortRule(ruleset, port, kNetBindTcp); !s.ok())
        return s;
  }
  return absl::OkStatus();
}

struct PortList {
  std::string_view key;
  std::vector<uint16_t> LandlockPlan::*ports;
};
constexpr PortList kPortLists[] = {
    {"connect", &LandlockPlan::connect_ports},
    {"bind", &LandlockPlan::bind_ports},
};

}  // namespace

std::string EncodePlan(const LandlockPlan& plan) {
  std::string out;
  if (plan.restrict_fs) out += "restrict-fs\n";
  if (plan.restrict_writes) out += "restrict-writes\n";
  if (plan.restrict_tcp) out += "restrict-tcp\n";
  if (plan.scope) out += "scope\n";
  for (const PathList& list : kPathLists)
    for (const std::string& p : plan.*list.paths)
      if (p.find('\n') == std::string::npos)
        absl::StrAppend(&out, std::string(list.key), " ", p, "\n");
  for (const PortList& list : kPortLists)
    for (uint16_t port : plan.*list.ports)
      absl::StrAppend(&out, std::string(list.key), " ", port, "\n");
  return out;
}

absl::StatusOr<LandlockPlan> DecodePlan(std::string_view text) {
  LandlockPlan plan;
  plan.scope = false;
  const std::vector<std::string> lines =
      absl::StrSplit(std::string(text), '\n', absl::SkipEmpty());
  for (const std::string& whole : lines) {
    std::string_view line = whole;
    std::string_view key = line.substr(0, line.find(' '));
    std::string_view value =
        key.size() < line.size() ? line.substr(key.size() + 1) : "";
    bool known = true;
    if (key == "restrict-fs") {
      plan.restrict_fs = true;
    } else if (key == "restrict-writes") {
      plan.restrict_writes = true;
    } else if (key == "restrict-tcp") {
      plan.restrict_tcp = true;
    } else if (key == "scope") {
      plan.scope = true;
    } else {
      known = false;
    }
    for (const PathList& list : kPathLists)
      if (key == list.key) {
        (plan.*list.paths).emplace_back(value);
        known = true;
      }
    for (const PortList& list : kPortLists) {
      uint32_t port = 0;
      if (key != list.key) continue;
      if (!absl::SimpleAtoi(std::string(value), &port) || port > 65535)
        return absl::InvalidArgumentError(
            absl::StrCat("bad port in Landlock plan: ", whole));
      (plan.*list.ports).push_back(static_cast<uint16_t>(port));
      known = true;
    }
    if (!known)
      return absl::InvalidArgumentError(
          absl::StrCat("unknown line in Landlock plan: ", whole));
  }
  return plan;
}

bool PlanGrants(const LandlockPlan& plan, Access access, std::string_view path) {
  auto beneath = [path](const std::string& root) {
    if (root == "/") return true;
    return path.substr(0, root.size()) == root &&
           (path.size() == root.size() || path[root.size()] == '/');
  };
  for (const PathList& list : kPathLists) {
    const uint64_t needed = access == Access::kRead  ? LANDLOCK_ACCESS_FS_READ_FILE
                            : access == Access::kWrite ? LANDLOCK_ACCESS_FS_WRITE_FILE
                            : access == Access::kExec  ? LANDLOCK_ACCESS_FS_EXECUTE
                                                       : 0;
    const bool grants = needed != 0 && (list.rights & needed) != 0;
    if (!grants) continue;
    for (const std::string& root : plan.*list.paths)
      if (beneath(root)) return true;
  }
  return false;
}

namespace {

// ScriptInterpreter is the program the "#!" line `head` starts with names.
std::string ScriptInterpreter(std::string_view head) {
  if (!head.starts_with("#!")) return "";
  head.remove_prefix(2);
  head.remove_prefix(std::min(head.find_first_not_of(" \t"), head.size()));
  return std::string(head.substr(0, head.find_first_of(" \t\n")));
}

}  // namespace

std::vector<std::string> ExecLoads(const std::string& file) {
  std::vector<std::string> loads;
  std::string next = file;
  // The kernel follows at most 4 interpreters (BINPRM_MAX_RECURSION) plus
  // the loader; a longer chain fails the exec anyway.
  for (int depth = 0; depth <= 5; ++depth) {
    UniqueFd fd(open(next.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) break;
    char head[256];
    ssize_t n = pread(fd.get(), head, sizeof head, 0);
    std::string_view read(head, n > 0 ? static_cast<size_t>(n) : 0);
    std::string interpreter = ScriptInterpreter(read);
    if (interpreter.empty())
      interpreter = internal::ElfInterpreter(fd.get(), read);
    std::optional<std::string> real;
    if (interpreter.empty() || !(real = RealPath(interpreter))) break;
    loads.push_back(*real);
    next = *real;
  }
  return loads;
}

std::optional<std::string> RealPath(const std::string& path, struct stat* st) {
  UniqueFd fd(open(path.c_str(), O_PATH | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  std::string real = FdPath(fd.get());
  // Not a path: /proc unmounted, or an object without a name.
  if (real.empty() || real[0] != '/') return std::nullopt;
  if (st != nullptr && fstat(fd.get(), st) != 0) return std::nullopt;
  return real;
}

int LandlockAbi() {
  long abi = syscall(SYS_landlock_create_ruleset, nullptr, 0,
                     LANDLOCK_CREATE_RULESET_VERSION);
  return abi < 0 ? 0 : static_cast<int>(abi);
}

absl::Status ApplyLandlock(const LandlockPlan& plan) {
  int abi = LandlockAbi();
  if ((plan.restrict_fs || plan.restrict_writes) && abi < 1)
    return absl::FailedPreconditionError(
        "Landlock is not available (needs Linux >= 5.13 with landlock in the "
        "lsm= boot list)");
  if (plan.restrict_tcp && abi < 4)
    return absl::FailedPreconditionError(
        "Landlock TCP rules need ABI 4 (Linux >= 6.7)");
  if (plan.scope && abi < 6)
    return absl::FailedPreconditionError(
        "Landlock signal scoping needs ABI 6 (Linux >= 6.12)");

  RulesetAttr attr{};
  uint64_t fs = FsRightsForAbi(abi);
  if (plan.restrict_fs) attr.handled_access_fs = fs;
  else if (plan.restrict_writes) attr.handled_access_fs = fs & kOutputRights;
  if (plan.restrict_tcp) attr.handled_access_net = kNetBindTcp | kNetConnectTcp;
  if (plan.scope) attr.scoped = kScopeSignal | kScopeAbstractUnix;
  if (attr.handled_access_fs == 0 && attr.handled_access_net == 0 &&
      attr.scoped == 0)
    return absl::OkStatus();
  size_t size = abi >= 6 ? sizeof attr
                : abi >= 4 ? offsetof(RulesetAttr, scoped)
                           : offsetof(RulesetAttr, handled_access_net);
  UniqueFd ruleset(
      static_cast<int>(syscall(SYS_landlock_create_ruleset, &attr, size, 0)));
  if (!ruleset.valid())
    return absl::InternalError(
        absl::StrCat("landlock_create_ruleset: ", strerror(errno)));
  if (absl::Status s = AddRules(ruleset.get(), plan, attr.handled_access_fs);
      !s.ok())
    return s;
  if (syscall(SYS_landlock_restrict_self, ruleset.get(), 0) != 0)
    return absl::InternalError(
        absl::StrCat("landlock_restrict_self: ", strerror(errno)));
  return absl::OkStatus();
}

}  // namespace warden
