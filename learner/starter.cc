#include "learner/starter.h"

#include <set>

#include "policy/yaml.h"

namespace warden {

namespace {

constexpr const char kHeader[] =
    "# warden.yaml: what each Cargo build script may do beyond the baseline\n"
    "# (read its own package and the system runtime, write its OUT_DIR).\n"
    "# Written by `cargo warden init` from the packages' own declarations\n"
    "# ([package.metadata.warden]). Next: `cargo warden learn` to see what the\n"
    "# build scripts really do, `cargo warden enforce` to hold them to it.\n";

}  // namespace

std::string StarterPolicyText(const std::vector<PackageId>& build_scripts,
                              const Policy& declared) {
  Policy policy;
  std::set<std::string> seen;
  for (const PackageId& id : build_scripts) {
    if (!seen.insert(id.name).second) continue;
    bool declares = false;
    for (const PackageEntry& e : declared.packages) {
      if (e.name != id.name) continue;
      PackageEntry entry = e;
      entry.comment = "as declared in its Cargo.toml";
      policy.packages.push_back(std::move(entry));
      declares = true;
    }
    if (declares) continue;
    PackageEntry entry;
    entry.name = id.name;
    entry.comment = "declares nothing: baseline only";
    policy.packages.push_back(std::move(entry));
  }
  return std::string(kHeader) + SavePolicy(policy);
}

}  // namespace warden
