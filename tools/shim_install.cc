#include "tools/shim_install.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "absl/strings/str_cat.h"

namespace warden {
namespace {

namespace fs = std::filesystem;

constexpr char kShimMarker[] = "# warden shim";

enum class Kind { kElf, kShim, kOther };

Kind KindOf(const std::string& path) {
  char head[64] = {};
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Kind::kOther;
  ssize_t n = read(fd, head, sizeof head - 1);
  close(fd);
  if (n >= 4 && memcmp(head, "\177ELF", 4) == 0) return Kind::kElf;
  if (n > 0 && std::string_view(head, n).find(kShimMarker) != std::string_view::npos)
    return Kind::kShim;
  return Kind::kOther;
}

std::string ShimScript(const std::string& real_name) {
  return absl::StrCat(
      "#!/bin/sh\n", kShimMarker,
      ": installed by cargo-warden. Under `cargo warden` the build script\n"
      "# runs under warden's supervisor; under plain cargo it runs directly.\n"
      "real=\"${0%/*}/", real_name, "\"\n",
      "[ -n \"${WARDEN_SHIM:-}\" ] && exec \"$WARDEN_SHIM\" \"$real\" \"$@\"\n",
      "exec \"$real\" \"$@\"\n");
}

absl::Status Errno(const char* what, const std::string& path) {
  return absl::InternalError(
      absl::StrCat(what, " ", path, ": ", strerror(errno)));
}

bool IsBuildScriptName(std::string_view name) {
  bool named = name.substr(0, 13) == "build_script_" ||
               name.substr(0, 13) == "build-script-";
  return named && name.find('.') == std::string_view::npos;
}

absl::Status ShimDirectory(const fs::path& dir,
                           std::vector<std::string>& shimmed) {
  std::error_code ec;
  // First the rustc outputs (build_script_build-<hash>), then cargo's hard
  // links (build-script-build), which may still point at a real binary.
  for (bool links : {false, true}) {
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (!IsBuildScriptName(name) || (name[5] == '-') != links) continue;
      std::string path = e.path().string();
      if (KindOf(path) != Kind::kElf) continue;
      if (absl::Status s = InstallShim(path); !s.ok()) return s;
      shimmed.push_back(path);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status InstallShim(const std::string& binary) {
  Kind kind = KindOf(binary);
  if (kind == Kind::kShim) return absl::OkStatus();
  if (kind != Kind::kElf)
    return absl::FailedPreconditionError(
        absl::StrCat(binary, " is not a build-script executable"));
  std::string real = binary + kRealSuffix;
  if (rename(binary.c_str(), real.c_str()) != 0)
    return Errno("cannot move aside", binary);
  std::string tmp = binary + ".warden-tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << ShimScript(fs::path(real).filename().string());
    if (!out) return Errno("cannot write", tmp);
  }
  if (chmod(tmp.c_str(), 0755) != 0) return Errno("cannot chmod", tmp);
  if (rename(tmp.c_str(), binary.c_str()) != 0)
    return Errno("cannot install shim at", binary);
  return absl::OkStatus();
}

absl::StatusOr<int> ShimAllBuildScripts(const std::string& target_dir) {
  absl::StatusOr<std::vector<std::string>> shimmed =
      ShimBuildScriptsBelow(target_dir);
  if (!shimmed.ok()) return shimmed.status();
  return static_cast<int>(shimmed->size());
}

absl::StatusOr<std::vector<std::string>> ShimBuildScriptsBelow(
    const std::string& target_dir) {
  std::vector<std::string> shimmed;
  std::error_code ec;
  if (!fs::is_directory(target_dir, ec)) return shimmed;
  // <target>/<profile>/build/<pkg>-<hash>/, <target>/<triple>/<profile>/…
  // when cross-compiling, and the target dirs of nested cargo runs below
  // (trybuild: <target>/tests/trybuild/<triple>/<profile>/…).
  constexpr int kMaxDepth = 8;
  fs::recursive_directory_iterator it(target_dir, ec), end;
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    if (!it->is_directory(ec)) continue;
    const std::string name = it->path().filename().string();
    if (it.depth() >= kMaxDepth || name == "deps" || name == "incremental" ||
        name == ".fingerprint" || name == "warden")
      it.disable_recursion_pending();
    if (it->path().parent_path().filename() != "build") continue;
    it.disable_recursion_pending();
    if (absl::Status s = ShimDirectory(it->path(), shimmed); !s.ok()) return s;
  }
  return shimmed;
}

}  // namespace warden
