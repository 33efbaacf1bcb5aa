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

absl::StatusOr<std::string> LockedSource(const std::string& lock_path,
                                         std::string_view name,
                                         std::string_view version) {
  absl::StatusOr<toml::table> lock = ParseToml(lock_path);
  if (!lock.ok()) return lock.status();
  std::set<std::string> kinds;
  if (const toml::array* packages = (*lock)["package"].as_array()) {
    for (const toml::node& node : *packages) {
      const toml::table* p = node.as_table();
      if (p == nullptr || (*p)["name"].value_or(std::string_view()) != name ||
          (*p)["version"].value_or(std::string_view()) != version)
        continue;
      kinds.insert(SourceKindOf((*p)["source"].value_or(std::string_view())));
    }
  }
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
