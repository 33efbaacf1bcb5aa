#include "tools/sarif.h"

#include <cctype>
#include <filesystem>

#include <nlohmann/json.hpp>

namespace warden {
namespace {

constexpr char kVersion[] = "0.1.0";  // meson.build's project version
constexpr char kSchema[] =
    "https://json.schemastore.org/sarif-2.1.0.json";

nlohmann::json Location(const SarifLocation& l) {
  // An unknown place is the file's start: viewers need a region.
  nlohmann::json region = {{"startLine", l.line > 0 ? l.line : 1},
                           {"startColumn", l.column > 0 ? l.column : 1}};
  return {{"physicalLocation", {{"artifactLocation", {{"uri", l.uri}}}, {"region", region}}}};
}

nlohmann::json Rule(const SarifFinding& f) {
  return {{"id", f.rule_id},
          {"shortDescription", {{"text", f.rule_name.empty() ? f.rule_id : f.rule_name}}},
          {"help", {{"text", f.help.empty() ? f.rule_id : f.help}}},
          {"defaultConfiguration", {{"level", f.level}}}};
}

}  // namespace

std::string SarifRuleId(const std::string& operation, const std::string& what) {
  std::string id = "WARDEN-" + operation + "-" + what;
  for (char& c : id) {
    c = std::isalnum(static_cast<unsigned char>(c)) ? std::toupper(static_cast<unsigned char>(c)) : '-';
  }
  return id;
}

std::string SarifUri(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path abs = fs::weakly_canonical(fs::absolute(path, ec), ec);
  fs::path cwd = fs::current_path(ec);
  if (ec) return path;
  fs::path rel = abs.lexically_relative(cwd);
  if (!rel.empty() && *rel.begin() != "..") return rel.generic_string();
  return "file://" + abs.generic_string();
}

std::string SarifDocument(const std::vector<SarifFinding>& findings) {
  nlohmann::json rules = nlohmann::json::array();
  nlohmann::json results = nlohmann::json::array();
  std::map<std::string, size_t> index;
  for (const SarifFinding& f : findings) {
    auto [it, fresh] = index.emplace(f.rule_id, rules.size());
    if (fresh) rules.push_back(Rule(f));
    nlohmann::json result = {{"ruleId", f.rule_id},
                             {"ruleIndex", it->second},
                             {"level", f.level},
                             {"message", {{"text", f.message}}}};
    nlohmann::json locations = nlohmann::json::array();
    for (const SarifLocation& l : f.locations) locations.push_back(Location(l));
    if (!locations.empty()) result["locations"] = locations;
    if (!f.properties.empty()) result["properties"] = f.properties;
    results.push_back(result);
  }
  nlohmann::json driver = {{"name", "warden"},
                           {"version", kVersion},
                           {"informationUri", "https://github.com/warden/warden"},
                           {"rules", rules}};
  nlohmann::json doc = {{"$schema", kSchema},
                        {"version", "2.1.0"},
                        {"runs", {{{"tool", {{"driver", driver}}}, {"results", results}}}}};
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace warden
