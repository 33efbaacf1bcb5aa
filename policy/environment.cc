#include "policy/environment.h"

#include <algorithm>

namespace warden {
namespace {

// https://doc.rust-lang.org/cargo/reference/environment-variables.html
// ("Environment variables Cargo sets for build scripts"), plus the variables
// cargo passes through from its own environment that ordinary tools need.
constexpr const char* kBaseline[] = {
    "CARGO", "CARGO_MANIFEST_DIR", "CARGO_MANIFEST_PATH",
    "CARGO_MANIFEST_LINKS", "CARGO_MAKEFLAGS", "CARGO_FEATURE_*",
    "CARGO_CFG_*", "CARGO_PKG_*", "CARGO_CRATE_NAME",
    "CARGO_ENCODED_RUSTFLAGS", "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR", "OUT_DIR", "TARGET", "HOST", "NUM_JOBS",
    "OPT_LEVEL", "DEBUG", "PROFILE", "RUSTC", "RUSTDOC", "RUSTC_LINKER",
    "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "DEP_*", "PATH",
    "LD_LIBRARY_PATH", "MAKEFLAGS", "MFLAGS", "TMPDIR", "LANG", "LC_*",
    "TERM", "RUST_BACKTRACE",
};

// Passed to every build script as well, but not baseline grants: learn still
// proposes `env: HOME` for a script that prints rerun-if-env-changed=HOME.
constexpr std::string_view kUngranted[] = {
    "CARGO_HOME", "CARGO_RUSTC_CURRENT_DIR", "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN", "HOME", "USER", "LOGNAME", "SHELL", "LANGUAGE", "TZ",
    "SOURCE_DATE_EPOCH", "DEB_HOST_GNU_TYPE", "DEB_BUILD_GNU_TYPE",
    "DEB_HOST_MULTIARCH", "NO_COLOR", "CLICOLOR", "CARGO_TERM_COLOR",
};

bool IsUngranted(std::string_view name) {
  return std::find(std::begin(kUngranted), std::end(kUngranted), name) !=
         std::end(kUngranted);
}

}  // namespace

const std::vector<std::string>& BaselineVariables() {
  static const auto* const names =
      new std::vector<std::string>(std::begin(kBaseline), std::end(kBaseline));
  return *names;
}

bool IsWardenVariable(std::string_view name) {
  return name.starts_with("WARDEN_");
}

std::vector<std::string> BuildScriptEnvironment(
    const PackagePolicy* policy, const std::vector<std::string>& environment,
    const UserTools& user) {
  std::vector<std::string> env;
  for (const std::string& entry : environment) {
    std::string name = entry.substr(0, entry.find('='));
    if (IsWardenVariable(name)) continue;
    // cargo hands its wrappers to build scripts; give them the user's own.
    if (name == "RUSTC_WRAPPER" || name == "RUSTDOC") {
      const std::string& own =
          name == "RUSTDOC" ? user.rustdoc : user.rustc_wrapper;
      if (!own.empty()) env.push_back(name + "=" + own);
      continue;
    }
    // The policy's `env:` includes the baseline (BaselineVariables).
    if (policy != nullptr && !IsUngranted(name) && !policy->AllowsEnv(name))
      continue;
    env.push_back(entry);
  }
  return env;
}

bool IsCredentialVariable(std::string_view name) {
  for (std::string_view part : {"SECRET", "PASSWORD", "PASSWD", "CREDENTIAL",
                                "API_KEY", "ACCESS_KEY", "PRIVATE_KEY"})
    if (name.find(part) != std::string_view::npos) return true;
  return name == "TOKEN" || name.ends_with("_TOKEN") ||
         name == "SSH_AUTH_SOCK" || name == "GPG_AGENT_INFO";
}

std::vector<std::string> WithoutCredentials(
    const std::vector<std::string>& environment) {
  std::vector<std::string> env;
  for (const std::string& entry : environment)
    if (!IsCredentialVariable(std::string_view(entry).substr(0, entry.find('='))))
      env.push_back(entry);
  return env;
}

}  // namespace warden
