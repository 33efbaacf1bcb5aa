#include "tools/protocol.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

extern char** environ;

namespace warden {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// ParseFd reads a whole non-negative decimal descriptor number.
bool ParseFd(std::string_view s, int& fd) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), fd);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty() &&
         s[0] != '-';
}

// https://doc.rust-lang.org/cargo/reference/environment-variables.html
// ("Environment variables Cargo sets for build scripts"), plus the variables
// cargo passes through from its own environment that ordinary tools need.
constexpr std::string_view kExact[] = {
    "CARGO", "CARGO_MANIFEST_DIR", "CARGO_MANIFEST_PATH",
    "CARGO_MANIFEST_LINKS", "CARGO_MAKEFLAGS", "OUT_DIR", "TARGET", "HOST",
    "NUM_JOBS", "OPT_LEVEL", "DEBUG", "PROFILE", "RUSTC", "RUSTDOC",
    "RUSTC_LINKER", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_ENCODED_RUSTFLAGS", "CARGO_PRIMARY_PACKAGE", "CARGO_CRATE_NAME",
    "CARGO_TARGET_TMPDIR", "CARGO_HOME", "CARGO_RUSTC_CURRENT_DIR",
    "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "PATH", "HOME", "USER", "LOGNAME",
    "SHELL", "TMPDIR", "TERM", "LANG", "LANGUAGE", "TZ", "LD_LIBRARY_PATH",
    "MAKEFLAGS", "MFLAGS", "SOURCE_DATE_EPOCH", "DEB_HOST_GNU_TYPE",
    "DEB_BUILD_GNU_TYPE", "DEB_HOST_MULTIARCH", "NO_COLOR",
    "CLICOLOR", "CARGO_TERM_COLOR",
};
constexpr std::string_view kPrefixes[] = {
    "CARGO_FEATURE_", "CARGO_CFG_", "CARGO_PKG_", "DEP_", "LC_",
};

}  // namespace

std::string GetEnv(const char* name) {
  const char* value = getenv(name);
  return value == nullptr ? "" : value;
}

bool IsWardenVariable(std::string_view name) {
  return StartsWith(name, "WARDEN_");
}

bool IsBuildScriptVariable(std::string_view name) {
  for (std::string_view exact : kExact)
    if (name == exact) return true;
  for (std::string_view prefix : kPrefixes)
    if (StartsWith(name, prefix)) return true;
  return false;
}

std::vector<int> JobserverFds(std::string_view makeflags) {
  std::vector<int> fds;
  while (!makeflags.empty()) {
    size_t end = makeflags.find_first_of(" \t");
    std::string_view word = makeflags.substr(0, end);
    makeflags.remove_prefix(end == std::string_view::npos ? makeflags.size()
                                                          : end + 1);
    std::string_view value;
    for (std::string_view flag : {"--jobserver-fds=", "--jobserver-auth="})
      if (StartsWith(word, flag)) value = word.substr(flag.size());
    // "R,W": two descriptors; "fifo:PATH" names a file, no descriptor.
    size_t comma = value.find(',');
    int r, w;
    if (comma == std::string_view::npos || !ParseFd(value.substr(0, comma), r) ||
        !ParseFd(value.substr(comma + 1), w))
      continue;
    for (int fd : {r, w})
      if (std::find(fds.begin(), fds.end(), fd) == fds.end()) fds.push_back(fd);
  }
  return fds;
}

std::vector<std::string> CurrentEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  return env;
}

}  // namespace warden
