// `cargo warden check`: how warden.yaml has drifted from the workspace it
// guards, found without building (Cargo.lock and the manifests only).
#ifndef WARDEN_POLICY_CHECK_H_
#define WARDEN_POLICY_CHECK_H_

#include <set>
#include <string>
#include <vector>

#include "policy/matcher.h"
#include "policy/policy.h"

namespace warden {

enum class CheckKind {
  kMissingEntry,        // a locked package with a build script, no entry
  kStaleEntry,          // an entry for a package no longer locked
  kVersionMismatch,     // its version requirement matches no locked version
  kDeclaredNotGranted,  // the package declares it, warden.yaml does not grant it
  kGrantedNotDeclared,  // warden.yaml grants more than the package declares
};

// CheckKindName is the stable name used in json output: "missing-entry".
const char* CheckKindName(CheckKind kind);

// CheckKindHelp says how to resolve a finding of `kind`.
const char* CheckKindHelp(CheckKind kind);

struct CheckFinding {
  CheckKind kind;
  std::string package;  // crate name
  std::string version;  // locked version ("" for stale entries)
  std::string detail;   // human text: the requirement or the grant line
};

struct PolicyCheckInputs {
  const Policy* granted = nullptr;   // warden.yaml
  const Policy* declared = nullptr;  // [package.metadata.warden] tables
  std::vector<PackageId> locked;         // every package of Cargo.lock
  std::vector<PackageId> build_scripts;  // those with a build script
};

// CheckPolicy lists the findings, packages in lock order. Entries with an
// unparseable requirement count as matching nothing.
std::vector<CheckFinding> CheckPolicy(const PolicyCheckInputs& in);

// GrantLines renders the grants of every entry named `name` as
// "kind: value", profiles as "profile: NAME".
std::set<std::string> GrantLines(const Policy& policy, const std::string& name);

}  // namespace warden

#endif  // WARDEN_POLICY_CHECK_H_
