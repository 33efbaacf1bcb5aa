#include "policy/yaml.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <map>
#include <span>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "policy/profiles.h"
#include "policy/rule_kinds.h"
#include "policy/semver.h"
#include "policy/syntax.h"
#include "policy/yaml_internal.h"

namespace warden {
namespace {

using policy_internal::Absl;
using policy_internal::EditDistance;
using policy_internal::ValidateCrateName;
using policy_internal::ValidateRule;
using policy_internal::VersionReq;

constexpr std::string_view kTopKeys[] = {"version", "defaults", "compile",
                                         "packages"};
constexpr std::string_view kSources[] = {"registry", "path", "git"};

// SectionKeys is `fixed` followed by the rule keys (policy/rule_kinds.h);
// `compile:` takes only the kinds that grant an access.
std::vector<std::string_view> SectionKeys(
    std::initializer_list<std::string_view> fixed, bool compile = false) {
  std::vector<std::string_view> keys(fixed);
  for (const RuleKindInfo& spec : kRuleKinds)
    if (!compile || spec.access != Access::kNone) keys.push_back(spec.key);
  return keys;
}

const std::vector<std::string_view> kPackageKeys =
    SectionKeys({"version", "source", "reason", "comment", "profiles"});
const std::vector<std::string_view> kDefaultsKeys =
    SectionKeys({"reason", "comment", "profiles"});
const std::vector<std::string_view> kCompileKeys =
    SectionKeys({"reason", "comment"}, /*compile=*/true);

std::string TypeName(YAML::NodeType::value type) {
  switch (type) {
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    default:
      return "nothing";
  }
}

std::string TypeName(const YAML::Node& node) { return TypeName(node.Type()); }

std::string JoinNames(std::span<const std::string_view> names) {
  std::vector<std::string> quoted;
  for (std::string_view n : names) quoted.push_back(std::string(n));
  return absl::StrJoin(quoted, ", ");
}

// KeyHint suggests the closest valid key and lists them all.
std::string KeyHint(std::string_view key,
                    std::span<const std::string_view> valid) {
  std::string_view best;
  size_t best_distance = 3;
  for (std::string_view v : valid) {
    size_t d = EditDistance(key, v);
    if (d < best_distance) {
      best = v;
      best_distance = d;
    }
  }
  std::string hint;
  if (!best.empty()) hint = absl::StrCat("did you mean \"", Absl(best), "\"? ");
  return absl::StrCat(hint, "valid keys: ", JoinNames(valid));
}

// Loader turns one parsed document into a Policy, reporting the first error
// at the node that caused it.
class Loader {
 public:
  explicit Loader(const std::string& file) : file_(file) {}

  absl::StatusOr<Policy> Load(const YAML::Node& root);

 private:
  SourceLocation Where(const YAML::Node& node) const;
  absl::Status Error(const YAML::Node& at, std::string_view message,
                     std::string_view hint) const;
  absl::Status Prefix(const YAML::Node& at, const absl::Status& status) const;
  absl::Status Expect(const YAML::Node& node, YAML::NodeType::value type,
                      std::string_view name, std::string_view hint) const;
  absl::Status CheckKeys(const YAML::Node& map,
                         std::span<const std::string_view> valid,
                         std::string_view context) const;
  absl::StatusOr<std::string> Text(const YAML::Node& key,
                                   const YAML::Node& value) const;
  absl::Status CheckVersion(const YAML::Node& root) const;
  absl::Status LoadPackages(const YAML::Node& map, Policy& policy) const;
  absl::Status LoadPackageKey(const YAML::Node& key, PackageEntry& entry) const;
  absl::Status LoadSection(const YAML::Node& key, const YAML::Node& value,
                           std::span<const std::string_view> keys,
                           PackageEntry& entry) const;
  absl::Status LoadEntry(const YAML::Node& map,
                         std::span<const std::string_view> keys,
                         std::string_view context,
                         PackageEntry& entry) const;
  absl::Status LoadEntryField(const YAML::Node& key, const YAML::Node& value,
                              PackageEntry& entry) const;
  absl::Status LoadProfiles(const YAML::Node& key, const YAML::Node& list,
                            PackageEntry& entry) const;
  absl::Status LoadRules(const YAML::Node& key, const YAML::Node& list,
                         const RuleKindInfo& spec, PackageEntry& entry) const;
  absl::Status LoadRule(const YAML::Node& item, const RuleKindInfo& spec,
                        Rule& rule) const;
  absl::Status LoadRuleMap(const YAML::Node& item, const RuleKindInfo& spec,
                           Rule& rule) const;

  const std::string& file_;
};

SourceLocation Loader::Where(const YAML::Node& node) const {
  YAML::Mark mark = node.Mark();
  if (mark.line < 0) return SourceLocation{file_, 1, 1};
  return SourceLocation{file_, mark.line + 1, mark.column + 1};
}

absl::Status Loader::Error(const YAML::Node& at, std::string_view message,
                           std::string_view hint) const {
  SourceLocation where = Where(at);
  return absl::InvalidArgumentError(absl::StrCat(
      where.file, ":", where.line, ":", where.column, ": ", Absl(message),
      " (hint: ", Absl(hint), ")"));
}

absl::Status Loader::Prefix(const YAML::Node& at,
                            const absl::Status& status) const {
  SourceLocation where = Where(at);
  return absl::InvalidArgumentError(absl::StrCat(
      where.file, ":", where.line, ":", where.column, ": ", status.message()));
}

// Expect: the value of key `name` is of `type`, or null (an empty `name:`,
// which iterates as empty).
absl::Status Loader::Expect(const YAML::Node& node, YAML::NodeType::value type,
                            std::string_view name,
                            std::string_view hint) const {
  if (node.IsNull() || node.Type() == type) return absl::OkStatus();
  return Error(node,
               absl::StrCat("\"", Absl(name), "\" must be ", TypeName(type),
                            ", got ", TypeName(node)),
               hint);
}

absl::Status Loader::CheckKeys(const YAML::Node& map,
                               std::span<const std::string_view> valid,
                               std::string_view context) const {
  std::map<std::string, YAML::Mark> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar())
      return Error(key, absl::StrCat("key in ", Absl(context), " is ",
                                     TypeName(key)),
                   KeyHint("", valid));
    std::string name = key.Scalar();
    if (std::find(valid.begin(), valid.end(), name) == valid.end())
      return Error(key,
                   absl::StrCat("unknown key \"", name, "\" in ",
                                Absl(context)),
                   KeyHint(name, valid));
    auto [prev, inserted] = seen.emplace(name, key.Mark());
    if (!inserted)
      return Error(key,
                   absl::StrCat("duplicate key \"", name, "\" in ",
                                Absl(context), ", previous definition at ",
                                prev->second.line + 1, ":",
                                prev->second.column + 1),
                   "merge the two into one");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Loader::Text(const YAML::Node& key,
                                         const YAML::Node& value) const {
  if (!value.IsScalar())
    return Error(value.IsNull() ? key : value,
                 absl::StrCat("\"", key.Scalar(), "\" must be text, got ",
                              TypeName(value)),
                 absl::StrCat("write ", key.Scalar(), ": \"…\""));
  return value.Scalar();
}

absl::Status Loader::CheckVersion(const YAML::Node& root) const {
  const YAML::Node version = root["version"];
  if (!version)
    return Error(root, "missing \"version\"",
                 "start the file with \"version: 1\"");
  if (!version.IsScalar() || version.Scalar() != "1")
    return Error(version, "unsupported policy version",
                 "this warden reads \"version: 1\"");
  return absl::OkStatus();
}

absl::StatusOr<Policy> Loader::Load(const YAML::Node& root) {
  if (!root.IsMap()) {
    if (root.IsNull())
      return Error(root, "missing \"version\"",
                   "start the file with \"version: 1\"");
    return Error(root,
                 absl::StrCat("policy must be a map, got ", TypeName(root)),
                 "write \"version: 1\" then \"packages:\" with one map entry "
                 "per crate");
  }
  if (absl::Status s = CheckKeys(root, kTopKeys, "the policy"); !s.ok())
    return s;
  if (absl::Status s = CheckVersion(root); !s.ok()) return s;
  Policy policy;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (key == "defaults") {
      if (absl::Status s = LoadSection(it->first, it->second, kDefaultsKeys,
                                       policy.defaults);
          !s.ok())
        return s;
    } else if (key == "compile") {
      if (absl::Status s = LoadSection(it->first, it->second, kCompileKeys,
                                       policy.compile);
          !s.ok())
        return s;
    } else if (key == "packages") {
      if (absl::Status s = LoadPackages(it->second, policy);
          !s.ok())
        return s;
    }
  }
  return policy;
}

absl::Status Loader::LoadPackages(const YAML::Node& map,
                                  Policy& policy) const {
  if (absl::Status s =
          Expect(map, YAML::NodeType::Map, "packages",
                 "write one entry per crate: \"packages:\" then \"  ring:\"");
      !s.ok())
    return s;
  std::map<std::string, YAML::Mark> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    PackageEntry entry;
    if (absl::Status s = LoadPackageKey(key, entry); !s.ok()) return s;
    auto [prev, inserted] = seen.emplace(key.Scalar(), key.Mark());
    if (!inserted)
      return Error(key,
                   absl::StrCat("duplicate package \"", key.Scalar(),
                                "\", previous definition at ",
                                prev->second.line + 1, ":",
                                prev->second.column + 1),
                   "merge the two entries, or key them \"name@REQ\" with "
                   "different version requirements");
    if (!value.IsMap() && !value.IsNull())
      return Error(value,
                   absl::StrCat("package \"", key.Scalar(),
                                "\" must be a map, got ", TypeName(value)),
                   "write keys such as read: below the package name");
    bool req_in_key = !entry.version_req.empty();
    if (absl::Status s =
            LoadEntry(value, kPackageKeys,
                      absl::StrCat("package \"", entry.name, "\""), entry);
        !s.ok())
      return s;
    if (req_in_key && value["version"])
      return Error(value["version"], "version requirement given twice",
                   "use either \"name@REQ\" as the key or a version: key");
    policy.packages.push_back(std::move(entry));
  }
  return absl::OkStatus();
}

absl::Status Loader::LoadPackageKey(const YAML::Node& key,
                                    PackageEntry& entry) const {
  if (!key.IsScalar())
    return Error(key, absl::StrCat("package key is ", TypeName(key)),
                 "key packages by crate name, e.g. \"ring:\"");
  std::string text = key.Scalar();
  size_t at = text.find('@');
  entry.name = text.substr(0, at);
  entry.where = Where(key);
  if (absl::Status s = ValidateCrateName(entry.name); !s.ok())
    return Prefix(key, s);
  if (at == std::string::npos) return absl::OkStatus();
  entry.version_req = text.substr(at + 1);
  if (absl::Status s = VersionReq::Parse(entry.version_req).status(); !s.ok())
    return Prefix(key, s);
  return absl::OkStatus();
}

// LoadSection loads a top-level map with the shape of a package entry
// (defaults:, compile:).
absl::Status Loader::LoadSection(const YAML::Node& key, const YAML::Node& value,
                                 std::span<const std::string_view> keys,
                                 PackageEntry& entry) const {
  const std::string name = key.Scalar();
  if (absl::Status s = Expect(
          value, YAML::NodeType::Map, name,
          absl::StrCat("write ", name, ": then indented keys such as read:"));
      !s.ok())
    return s;
  entry.where = Where(key);
  return LoadEntry(value, keys, name, entry);
}

absl::Status Loader::LoadEntry(const YAML::Node& map,
                               std::span<const std::string_view> keys,
                               std::string_view context,
                               PackageEntry& entry) const {
  if (map.IsNull()) return absl::OkStatus();
  if (absl::Status s = CheckKeys(map, keys, context); !s.ok()) return s;
  for (auto it = map.begin(); it != map.end(); ++it)
    if (absl::Status s = LoadEntryField(it->first, it->second, entry); !s.ok())
      return s;
  return absl::OkStatus();
}

absl::Status Loader::LoadEntryField(const YAML::Node& key,
                                    const YAML::Node& value,
                                    PackageEntry& entry) const {
  const std::string name = key.Scalar();
  for (const RuleKindInfo& spec : kRuleKinds)
    if (spec.key == name) return LoadRules(key, value, spec, entry);
  if (name == "profiles") return LoadProfiles(key, value, entry);
  absl::StatusOr<std::string> text = Text(key, value);
  if (!text.ok()) return text.status();
  if (name == "reason") {
    entry.reason = *text;
  } else if (name == "comment") {
    entry.comment = *text;
  } else if (name == "source") {
    if (std::find(std::begin(kSources), std::end(kSources), *text) ==
        std::end(kSources))
      return Error(value, absl::StrCat("unknown source \"", *text, "\""),
                   "source is one of registry, path, git");
    entry.source = *text;
  } else if (name == "version") {
    if (absl::Status s = VersionReq::Parse(*text).status(); !s.ok())
      return Prefix(value, s);
    entry.version_req = *text;
  }
  return absl::OkStatus();
}

absl::Status Loader::LoadProfiles(const YAML::Node& key,
                                  const YAML::Node& list,
                                  PackageEntry& entry) const {
  if (absl::Status s = Expect(list, YAML::NodeType::Sequence, "profiles",
                              "write profiles: [c-toolchain]");
      !s.ok())
    return s;
  for (const YAML::Node& item : list) {
    absl::StatusOr<std::string> name = Text(key, item);
    if (!name.ok()) return name.status();
    if (FindProfile(*name) == nullptr)
      return Error(item, absl::StrCat("unknown profile \"", *name, "\""),
                   absl::StrCat("known profiles: ",
                                absl::StrJoin(KnownProfileNames(), ", ")));
    entry.profiles.push_back(*name);
  }
  return absl::OkStatus();
}

absl::Status Loader::LoadRules(const YAML::Node& key, const YAML::Node& list,
                               const RuleKindInfo& spec,
                               PackageEntry& entry) const {
  if (absl::Status s = Expect(list, YAML::NodeType::Sequence, spec.key,
                              absl::StrCat("write ", Absl(spec.key),
                                           ": [\"…\"] or one \"- …\" item "
                                           "per line"));
      !s.ok())
    return s;
  for (const YAML::Node& item : list) {
    Rule rule;
    if (absl::Status s = LoadRule(item.IsNull() ? key : item, spec, rule);
        !s.ok())
      return s;
    (entry.*spec.rules).push_back(std::move(rule));
  }
  return absl::OkStatus();
}

absl::Status Loader::LoadRule(const YAML::Node& item, const RuleKindInfo& spec,
                              Rule& rule) const {
  const YAML::Node* value_node = &item;
  YAML::Node map_value;
  if (item.IsMap()) {
    if (absl::Status s = LoadRuleMap(item, spec, rule); !s.ok()) return s;
    map_value = item[std::string(spec.value_key)];
    value_node = &map_value;
  } else if (item.IsScalar()) {
    rule.value = item.Scalar();
  } else {
    return Error(item,
                 absl::StrCat("item of \"", Absl(spec.key),
                              "\" must be text or a map, got ",
                              TypeName(item)),
                 absl::StrCat("write \"- /path\" or \"- ", Absl(spec.value_key),
                              ": …\" with reason: below it"));
  }
  rule.where = Where(*value_node);
  if (absl::Status s = ValidateRule(spec.kind, rule.value); !s.ok())
    return Prefix(*value_node, s);
  return absl::OkStatus();
}

absl::Status Loader::LoadRuleMap(const YAML::Node& item, const RuleKindInfo& spec,
                                 Rule& rule) const {
  const std::string_view valid[] = {spec.value_key, "reason", "comment"};
  if (absl::Status s = CheckKeys(
          item, valid, absl::StrCat("an item of \"", Absl(spec.key), "\""));
      !s.ok())
    return s;
  if (!item[std::string(spec.value_key)])
    return Error(item,
                 absl::StrCat("item of \"", Absl(spec.key), "\" has no \"",
                              Absl(spec.value_key), "\""),
                 absl::StrCat("write \"- ", Absl(spec.value_key), ": …\""));
  for (auto it = item.begin(); it != item.end(); ++it) {
    absl::StatusOr<std::string> text = Text(it->first, it->second);
    if (!text.ok()) return text.status();
    const std::string key = it->first.Scalar();
    if (key == "reason") {
      rule.reason = *text;
    } else if (key == "comment") {
      rule.comment = *text;
    } else {
      rule.value = *text;
    }
  }
  return absl::OkStatus();
}

}  // namespace

namespace policy_internal {

absl::StatusOr<std::string> ReadPolicyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int error = errno;
    if (error == ENOENT)
      return absl::NotFoundError(
          absl::StrCat("policy file not found: ", path));
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot read policy file ", path, ": ", std::strerror(error)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace policy_internal

absl::StatusOr<Policy> LoadPolicyFile(const std::string& path) {
  absl::StatusOr<std::string> text = policy_internal::ReadPolicyFile(path);
  if (!text.ok()) return text.status();
  return LoadPolicyText(*text, path);
}

absl::StatusOr<Policy> LoadPolicyText(std::string_view text,
                                      const std::string& file) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(
        file, ":", std::max(e.mark.line, 0) + 1, ":",
        std::max(e.mark.column, 0) + 1, ": YAML syntax error: ", e.msg,
        " (hint: check indentation, and quote values starting with '{' or "
        "'*')"));
  }
  try {
    return Loader(file).Load(root);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ":", std::max(e.mark.line, 0) + 1, ":",
                     std::max(e.mark.column, 0) + 1, ": ", e.msg,
                     " (hint: check the structure against README.md)"));
  }
}

}  // namespace warden
