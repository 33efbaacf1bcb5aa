// `cargo warden init`: the starting warden.yaml of a workspace, before any
// build has been observed.
#ifndef WARDEN_LEARNER_STARTER_H_
#define WARDEN_LEARNER_STARTER_H_

#include <string>
#include <vector>

#include "policy/matcher.h"
#include "policy/policy.h"

namespace warden {

// StarterPolicyText is a commented warden.yaml with one entry per package
// with a build script (each name once): what the package declares under
// [package.metadata.warden] (`declared`), or an empty entry (baseline only)
// saying it declares nothing. It loads with LoadPolicyText.
std::string StarterPolicyText(const std::vector<PackageId>& build_scripts,
                              const Policy& declared);

}  // namespace warden

#endif  // WARDEN_LEARNER_STARTER_H_
