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

// BuildScriptEnvironment is what the build script sees of `environment`
// ("NAME=value" strings, cargo's build-script environment): no WARDEN_*
// ever; cargo's RUSTC_WRAPPER (warden's) replaced by `user_wrapper`, the
// user's own, or dropped when that is empty; and under enforce (`policy` not
// null) only the variables the policy's `env:` grants (the baseline's
// included) and the few ordinary ones every build script is passed without a
// grant (HOME, USER, TZ …). Learn passes the rest.
std::vector<std::string> BuildScriptEnvironment(
    const PackagePolicy* policy, const std::vector<std::string>& environment,
    const std::string& user_wrapper);

}  // namespace warden

#endif  // WARDEN_POLICY_ENVIRONMENT_H_
