#include "tools/protocol.h"

#include <cstdlib>

extern char** environ;

namespace warden {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
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

std::vector<std::string> CurrentEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  return env;
}

}  // namespace warden
