// Where package entries sit in warden.yaml (for SARIF locations).
#include <yaml-cpp/yaml.h>

#include "policy/yaml.h"
#include "policy/yaml_internal.h"

namespace warden {

std::map<std::string, TextPosition> PackageEntryPositions(std::string_view text) {
  std::map<std::string, TextPosition> positions;
  try {
    YAML::Node root = YAML::Load(std::string(text));
    if (!root.IsMap() || !root["packages"] || !root["packages"].IsMap()) return positions;
    for (const auto& kv : root["packages"]) {
      if (!kv.first.IsScalar()) continue;
      const std::string key = kv.first.Scalar();
      const YAML::Mark mark = kv.first.Mark();
      positions.emplace(key.substr(0, key.find('@')),
                        TextPosition{mark.line + 1, mark.column + 1});
    }
  } catch (const YAML::Exception&) {
    positions.clear();
  }
  return positions;
}

std::map<std::string, TextPosition> PackageEntryPositionsInFile(const std::string& path) {
  absl::StatusOr<std::string> text = policy_internal::ReadPolicyFile(path);
  if (!text.ok()) return {};
  return PackageEntryPositions(*text);
}

}  // namespace warden
