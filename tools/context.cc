#include "tools/context.h"

#include <chrono>
#include <filesystem>

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

}  // namespace warden
