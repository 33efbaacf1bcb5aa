// What a build script sees of the environment cargo hands it. One source for
// the variables every build script may see: the baseline's `env:` grants
// (policy/profiles.cc) are BaselineVariables.
#ifndef WARDEN_POLICY_ENVIRONMENT_H_
#define WARDEN_POLICY_ENVIRONMENT_H_

#include <string>
#include <string_view>
#include <vector>

#include "policy/matcher.h"

namespace warden {

// BaselineVariables are the `env:` patterns the baseline grants every build
// script: what cargo documents as the build-script environment, plus what
// any process needs (PATH, locale, TMPDIR …). Tokens and credentials
// (CARGO_REGISTRY_TOKEN, GITHUB_TOKEN, AWS_*) are not among them.
const std::vector<std::string>& BaselineVariables();

// IsWardenVariable is true for WARDEN_*: they steer warden itself and never
// reach a build script.
bool IsWardenVariable(std::string_view name);

// UserTools are the user's own programs that cargo-warden replaced with its
// wrappers in cargo's environment ("" when the user had none).
struct UserTools {
  std::string rustc_wrapper;  // RUSTC_WRAPPER (sccache …)
  std::string rustdoc;        // RUSTDOC
};

// BuildScriptEnvironment is what the build script sees of `environment`
// ("NAME=value" strings, cargo's build-script environment): no WARDEN_*
// ever; cargo's RUSTC_WRAPPER and RUSTDOC (warden's) replaced by the user's
// own, or dropped when the user had none; and under enforce (`policy` not
// null) only the variables the policy's `env:` grants (the baseline's
// included) and the few ordinary ones every build script is passed without a
// grant (HOME, USER, TZ …). Learn passes the rest.
std::vector<std::string> BuildScriptEnvironment(
    const PackagePolicy* policy, const std::vector<std::string>& environment,
    const UserTools& user);

// IsCredentialVariable is true for names that hold secrets by convention:
// *_TOKEN, *SECRET*, *PASSWORD*, *PASSWD*, *CREDENTIAL*, *API_KEY*,
// *ACCESS_KEY*, *PRIVATE_KEY*, and the agents' sockets (SSH_AUTH_SOCK,
// GPG_AGENT_INFO).
bool IsCredentialVariable(std::string_view name);

// WithoutCredentials is `environment` less its credential variables: what
// rustc, rustdoc and test binaries see under enforce. A proc macro or test
// has no business reading cargo's registry token or the CI's secrets.
std::vector<std::string> WithoutCredentials(
    const std::vector<std::string>& environment);

}  // namespace warden

#endif  // WARDEN_POLICY_ENVIRONMENT_H_
