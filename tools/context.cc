#include "tools/context.h"

#include <chrono>
#include <filesystem>

#include "policy/yaml.h"
#include "tools/cargo.h"
#include "tools/protocol.h"

namespace warden {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

PathVars MachineVars(const std::string& sysroot) {
  PathVars vars;
  vars.home = GetEnv("HOME");
  std::string cargo_home = GetEnv("CARGO_HOME");
  vars.cargo_home = !cargo_home.empty() ? cargo_home
                    : vars.home.empty() ? ""
                                        : vars.home + "/.cargo";
  std::string rustup_home = GetEnv("RUSTUP_HOME");
  vars.rustup_home = !rustup_home.empty() ? rustup_home
                     : vars.home.empty()  ? ""
                                          : vars.home + "/.rustup";
  std::string tmp = GetEnv("TMPDIR");
  vars.tmp = tmp.empty() ? "/tmp" : tmp;
  while (vars.tmp.size() > 1 && vars.tmp.back() == '/') vars.tmp.pop_back();
  vars.sysroot = sysroot;
  std::string path = GetEnv("PATH");
  size_t start = 0;
  while (start <= path.size()) {
    size_t colon = path.find(':', start);
    std::string dir = path.substr(start, colon - start);
    if (!dir.empty() && dir[0] == '/') vars.path_dirs.push_back(dir);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return vars;
}

std::string RustSysroot() {
  std::string rustc = GetEnv("RUSTC");
  absl::StatusOr<std::string> out =
      CaptureCommand({rustc.empty() ? "rustc" : rustc, "--print", "sysroot"});
  if (!out.ok()) return "";
  std::string s = *out;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string SysrootOf(const std::string& rustc) {
  if (rustc.empty() || rustc[0] != '/') return "";
  std::error_code ec;
  std::filesystem::path real = std::filesystem::canonical(rustc, ec);
  if (ec) return "";
  std::filesystem::path root = real.parent_path().parent_path();
  if (!std::filesystem::is_directory(root / "lib/rustlib", ec)) return "";
  return root.string();
}

std::string OverridePath(const std::string& policy_path) {
  std::filesystem::path p(policy_path);
  return (p.parent_path() /
          (p.stem().string() + ".override" + p.extension().string()))
      .string();
}

absl::StatusOr<Policy> LoadPolicyWithOverride(const std::string& policy_path) {
  absl::StatusOr<Policy> policy = LoadPolicyFile(policy_path);
  if (!policy.ok()) return policy;
  std::string override_path = OverridePath(policy_path);
  std::error_code ec;
  if (!std::filesystem::exists(override_path, ec)) return policy;
  absl::StatusOr<Policy> human = LoadPolicyFile(override_path);
  if (!human.ok()) return human.status();
  return MergePolicies(*policy, *human);
}

bool LearnDecider::Decide(const Event& event, std::string_view) {
  if (AccessOf(event.op) != Access::kWrite) return true;
  for (const std::string& path : protected_) {
    for (const std::string& name : {event.target, event.detail}) {
      if (name.size() >= path.size() && name.compare(0, path.size(), path) == 0)
        return false;
    }
  }
  return true;
}

bool PolicyDecider::Decide(const Event& event, std::string_view requested) {
  Access access = AccessOf(event.op);
  if (access == Access::kNone) return false;
  if (policy_.Allows(access, event.target, requested) == nullptr) return false;
  // Renames and hard links touch a second name, which must be writable too.
  if ((event.op == Op::kRename || event.op == Op::kLink) &&
      policy_.Allows(Access::kWrite, event.detail) == nullptr)
    return false;
  return true;
}

}  // namespace warden
