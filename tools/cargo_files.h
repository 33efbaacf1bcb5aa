// What cargo's own files say, read without running cargo (which costs tens
// of milliseconds and competes with the build for the package cache lock).
#ifndef WARDEN_TOOLS_CARGO_FILES_H_
#define WARDEN_TOOLS_CARGO_FILES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "policy/matcher.h"

namespace warden {

// LockedPackages lists the packages of the lock file at `lock_path`, each
// with its source as LockedSource names it.
absl::StatusOr<std::vector<PackageId>> LockedPackages(
    const std::string& lock_path);

// LockedSource returns how the lock file at `lock_path` (a Cargo.lock cargo
// has just written) sources a package: "registry" (registry+ or sparse+),
// "git" or "path" (no source). "path" too when the package is not listed.
// FailedPrecondition when it is listed from more than one source: nothing in
// the lock file tells which one a build script belongs to.
absl::StatusOr<std::string> LockedSource(const std::string& lock_path,
                                         std::string_view name,
                                         std::string_view version);

// DeclaredTable returns the [package.metadata.warden] table of the manifest
// at `manifest_path` as JSON text, or "" when it has none.
absl::StatusOr<std::string> DeclaredTable(const std::string& manifest_path);

}  // namespace warden

#endif  // WARDEN_TOOLS_CARGO_FILES_H_
