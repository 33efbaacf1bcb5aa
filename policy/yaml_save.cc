#include "policy/yaml.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "policy/rule_kinds.h"
#include "policy/syntax.h"
#include "policy/yaml_internal.h"

namespace warden {
namespace {

using policy_internal::Absl;
using policy_internal::EntryKey;
using policy_internal::QuoteYaml;

constexpr std::string_view kHeader =
    "# warden policy: what each package's build script may do. See "
    "README.md.";

bool IsReservedWord(std::string_view s) {
  static constexpr std::string_view kWords[] = {
      "true", "false", "yes", "no", "on", "off", "null", "y", "n"};
  std::string lower = absl::AsciiStrToLower(Absl(s));
  return std::find(std::begin(kWords), std::end(kWords), lower) !=
         std::end(kWords);
}

// Scalar writes `s` plain when YAML reads it back as the same string, else
// double-quoted.
std::string Scalar(std::string_view s) {
  auto plain_char = [](char c) {
    return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '/' ||
           c == '-' || c == '+' || c == '@' || c == '*';
  };
  bool plain = !s.empty() && (absl::ascii_isalpha(s[0]) || s[0] == '_' ||
                              s[0] == '/') &&
               std::all_of(s.begin(), s.end(), plain_char) &&
               !IsReservedWord(s);
  return plain ? std::string(s) : QuoteYaml(s);
}

// CanonicalRules sorts by value and keeps one rule per value, with the first
// non-empty reason and comment.
std::vector<Rule> CanonicalRules(const std::vector<Rule>& rules) {
  std::vector<Rule> sorted = rules;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Rule& a, const Rule& b) { return a.value < b.value; });
  std::vector<Rule> out;
  for (Rule& rule : sorted) {
    if (!out.empty() && out.back().value == rule.value) {
      if (out.back().reason.empty()) out.back().reason = rule.reason;
      if (out.back().comment.empty()) out.back().comment = rule.comment;
      continue;
    }
    out.push_back(std::move(rule));
  }
  return out;
}

std::string Indent(int level) { return std::string(2 * level, ' '); }

void WriteRules(const RuleKindInfo& spec, const std::vector<Rule>& rules,
                int level, std::string& out) {
  if (rules.empty()) return;
  absl::StrAppend(&out, Indent(level), Absl(spec.key), ":\n");
  for (const Rule& rule : CanonicalRules(rules)) {
    // A rule without a reason stays on one line; its generated comment ("12
    // accesses") becomes a YAML comment, which loading drops: learn writes
    // it afresh each time.
    if (rule.reason.empty()) {
      absl::StrAppend(&out, Indent(level + 1), "- ", Scalar(rule.value));
      if (!rule.comment.empty())
        absl::StrAppend(&out, "  # ", absl::StrReplaceAll(rule.comment, {{"\n", " "}}));
      absl::StrAppend(&out, "\n");
      continue;
    }
    absl::StrAppend(&out, Indent(level + 1), "- ", Absl(spec.value_key), ": ",
                    Scalar(rule.value), "\n");
    if (!rule.reason.empty())
      absl::StrAppend(&out, Indent(level + 2), "reason: ", Scalar(rule.reason),
                      "\n");
    if (!rule.comment.empty())
      absl::StrAppend(&out, Indent(level + 2), "comment: ",
                      Scalar(rule.comment), "\n");
  }
}

bool HasGrants(const PackageEntry& entry) {
  return !entry.profiles.empty() ||
         std::any_of(std::begin(kRuleKinds), std::end(kRuleKinds),
                     [&](const RuleKindInfo& spec) {
                       return !(entry.*spec.rules).empty();
                     });
}

bool IsEmptyEntry(const PackageEntry& entry, bool with_version) {
  return !HasGrants(entry) && entry.reason.empty() && entry.comment.empty() &&
         entry.source.empty() && (!with_version || entry.version_req.empty());
}

std::vector<std::string> SortedUnique(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

// WriteEntryBody writes an entry's keys in their fixed order.
void WriteEntryBody(const PackageEntry& entry, bool with_version, int level,
                    std::string& out) {
  auto field = [&](std::string_view key, const std::string& value) {
    if (!value.empty())
      absl::StrAppend(&out, Indent(level), Absl(key), ": ", Scalar(value),
                      "\n");
  };
  if (with_version) field("version", entry.version_req);
  field("source", entry.source);
  field("reason", entry.reason);
  field("comment", entry.comment);
  if (!entry.profiles.empty()) {
    absl::StrAppend(&out, Indent(level), "profiles:\n");
    for (const std::string& name : SortedUnique(entry.profiles))
      absl::StrAppend(&out, Indent(level + 1), "- ", Scalar(name), "\n");
  }
  for (const RuleKindInfo& spec : kRuleKinds)
    WriteRules(spec, entry.*spec.rules, level, out);
}

void WritePackages(const std::vector<PackageEntry>& packages,
                   std::string& out) {
  if (packages.empty()) return;
  std::vector<const PackageEntry*> sorted;
  absl::flat_hash_map<std::string, int> per_name;
  for (const PackageEntry& entry : packages) {
    sorted.push_back(&entry);
    ++per_name[entry.name];
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const PackageEntry* a, const PackageEntry* b) {
              return EntryKey(*a) < EntryKey(*b);
            });
  out += "packages:\n";
  for (const PackageEntry* entry : sorted) {
    bool req_in_key = per_name[entry->name] > 1 && !entry->version_req.empty();
    std::string key = req_in_key
                          ? absl::StrCat(entry->name, "@", entry->version_req)
                          : entry->name;
    bool with_version = !req_in_key;
    if (IsEmptyEntry(*entry, with_version)) {
      absl::StrAppend(&out, Indent(1), Scalar(key), ": {}\n");
      continue;
    }
    absl::StrAppend(&out, Indent(1), Scalar(key), ":\n");
    WriteEntryBody(*entry, with_version, 2, out);
  }
}

}  // namespace

std::string SavePolicy(const Policy& policy) {
  std::string out = absl::StrCat(Absl(kHeader), "\nversion: 1\n");
  if (!IsEmptyEntry(policy.defaults, /*with_version=*/false)) {
    out += "defaults:\n";
    WriteEntryBody(policy.defaults, /*with_version=*/false, 1, out);
  }
  if (!IsEmptyEntry(policy.compile, /*with_version=*/false)) {
    out += "compile:\n";
    WriteEntryBody(policy.compile, /*with_version=*/false, 1, out);
  }
  WritePackages(policy.packages, out);
  return out;
}

std::string QuotedScalar(std::string_view value) { return QuoteYaml(value); }

}  // namespace warden
