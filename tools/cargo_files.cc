#include "tools/cargo_files.h"

#include <set>
#include <sstream>

// Header-only: the Debian library links the shared C++ runtime, and warden's
// tools carry their own (tools/meson.build).
#define TOML_HEADER_ONLY 1
#define TOML_EXCEPTIONS 0  // errors as values, like absl::Status
#include <toml++/toml.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace warden {
namespace {

absl::StatusOr<toml::table> ParseToml(const std::string& path) {
  toml::parse_result parsed = toml::parse_file(path);
  if (!parsed) {
    const toml::parse_error& e = parsed.error();
    return absl::InvalidArgumentError(absl::StrCat(
        path, ":", e.source().begin.line, ":", e.source().begin.column, ": ",
        std::string(e.description())));
  }
  return std::move(parsed).table();
}

std::string SourceKindOf(std::string_view source) {
  if (source.empty()) return "path";
  if (source.substr(0, 4) == "git+") return "git";
  return "registry";
}

}  // namespace

absl::StatusOr<std::vector<PackageId>> LockedPackages(
    const std::string& lock_path) {
  absl::StatusOr<toml::table> lock = ParseToml(lock_path);
  if (!lock.ok()) return lock.status();
  std::vector<PackageId> packages;
  if (const toml::array* listed = (*lock)["package"].as_array()) {
    for (const toml::node& node : *listed) {
      const toml::table* p = node.as_table();
      if (p == nullptr) continue;
      packages.push_back(
          {std::string((*p)["name"].value_or(std::string_view())),
           std::string((*p)["version"].value_or(std::string_view())),
           SourceKindOf((*p)["source"].value_or(std::string_view()))});
    }
  }
  return packages;
}

absl::StatusOr<std::string> LockedSource(const std::string& lock_path,
                                         std::string_view name,
                                         std::string_view version) {
  absl::StatusOr<std::vector<PackageId>> packages = LockedPackages(lock_path);
  if (!packages.ok()) return packages.status();
  std::set<std::string> kinds;
  for (const PackageId& p : *packages)
    if (p.name == name && p.version == version) kinds.insert(p.source);
  if (kinds.empty()) return std::string("path");
  if (kinds.size() > 1)
    return absl::FailedPreconditionError(absl::StrCat(
        lock_path, " lists ", std::string(name), " ", std::string(version),
        " from several sources (",
        absl::StrJoin(kinds, ", "),
        "); warden cannot tell which one this build script belongs to"));
  return *kinds.begin();
}

absl::StatusOr<std::string> DeclaredTable(const std::string& manifest_path) {
  absl::StatusOr<toml::table> manifest = ParseToml(manifest_path);
  if (!manifest.ok()) return manifest.status();
  const toml::table* declared =
      (*manifest)["package"]["metadata"]["warden"].as_table();
  if (declared == nullptr) return std::string();
  std::ostringstream json;
  json << toml::json_formatter(*declared);
  return json.str();
}

}  // namespace warden
