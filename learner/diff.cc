// DiffPolicies: what an upgrade (or a re-learn) grants that was not granted
// before, with risk labels for the reviewer.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "learner/learner.h"
#include "policy/path.h"
#include "policy/rule_kinds.h"

namespace warden {
namespace {

// The pseudo-packages the `defaults:` and `compile:` grants are reported
// under; parentheses cannot appear in a crate name.
constexpr std::string_view kDefaultsName = "(defaults)";
constexpr std::string_view kCompileName = "(compile)";

// Grants maps a kind ("read", "profile" …) to the values granted.
using Grants = std::map<std::string, std::set<std::string>>;

void AddGrants(const PackageEntry& entry, Grants& grants) {
  grants["profile"].insert(entry.profiles.begin(), entry.profiles.end());
  for (const RuleKindInfo& spec : kRuleKinds)
    for (const Rule& rule : entry.*spec.rules)
      grants[std::string(spec.label)].insert(rule.value);
}

// Package is the union of a policy's entries for one crate name, whatever
// version requirement or source they carry.
struct Package {
  std::set<std::string> versions;  // version_req, "*" for any
  std::set<std::string> sources;   // empty for any source
  Grants grants;
};

std::map<std::string, Package> ByName(const Policy& policy) {
  std::map<std::string, Package> packages;
  for (const PackageEntry& entry : policy.packages) {
    Package& package = packages[entry.name];
    package.versions.insert(entry.version_req.empty() ? "*"
                                                      : entry.version_req);
    if (!entry.source.empty()) package.sources.insert(entry.source);
    AddGrants(entry, package.grants);
  }
  return packages;
}

std::string Join(const std::set<std::string>& values) {
  std::string out;
  for (const std::string& value : values) {
    if (!out.empty()) out += " | ";
    out += value;
  }
  return out;
}

// Describe renders a package's version requirements and sources:
// "^0.16", "* (git)".
std::string Describe(const Package& package) {
  const std::string sources = Join(package.sources);
  return Join(package.versions) + (sources.empty() ? "" : " (" + sources + ")");
}

bool IsShell(std::string_view program) {
  constexpr std::string_view kShells[] = {"sh", "bash", "dash", "zsh", "ssh"};
  return std::find(std::begin(kShells), std::end(kShells), program) !=
             std::end(kShells) ||
         program.starts_with("python") || program.starts_with("perl");
}

bool IsDownloader(std::string_view program) {
  constexpr std::string_view kDownloaders[] = {"curl", "wget", "nc", "ncat",
                                               "netcat"};
  return std::find(std::begin(kDownloaders), std::end(kDownloaders), program) !=
         std::end(kDownloaders);
}

// IsLinkDirective says whether a directive pattern lets the script pass
// arbitrary arguments or search paths to the linker.
bool IsLinkDirective(std::string_view pattern) {
  const std::string_view literal = pattern.substr(0, pattern.find('*'));
  const bool glob = literal.size() < pattern.size();
  constexpr std::string_view kLinkKeys[] = {"rustc-link-arg",
                                            "rustc-link-search", "rustc-flags"};
  return std::any_of(
      std::begin(kLinkKeys), std::end(kLinkKeys), [&](std::string_view key) {
        return glob ? key.starts_with(literal) : pattern.starts_with(key);
      });
}

// RiskOf labels an added grant a reviewer should look at twice.
std::string RiskOf(std::string_view kind, std::string_view value) {
  if (kind == "connect" || kind == "bind") return "network";
  if (kind == "exec" && IsDownloader(Basename(value))) return "downloader";
  if ((kind == "exec" && IsShell(Basename(value))) ||
      (kind == "profile" && value == "shell")) {
    return "shell-exec";
  }
  if (kind == "read" && IsUnder(value, "{home}")) return "home-read";
  if (kind == "write" && !IsUnder(value, "{out_dir}")) {
    return "write-outside-out-dir";
  }
  if (kind == "directive" && IsLinkDirective(value)) return "link-arg";
  return "";
}

// DiffGrants appends a change for every value in one of `before`, `after`
// but not the other.
void DiffGrants(const Grants& before, const Grants& after,
                const PolicyChange& context,
                std::vector<PolicyChange>& changes) {
  auto report = [&](const Grants& from, const Grants& against, bool added) {
    for (const auto& [kind, values] : from) {
      const auto other = against.find(kind);
      for (const std::string& value : values) {
        if (other != against.end() && other->second.contains(value)) continue;
        PolicyChange change = context;
        change.kind = kind;
        change.value = value;
        change.added = added;
        change.risk = added ? RiskOf(kind, value) : "";
        changes.push_back(std::move(change));
      }
    }
  };
  report(after, before, true);
  report(before, after, false);
}

// DiffPackage compares one crate name; a side without entries is nullptr.
void DiffPackage(const std::string& name, const Package* before,
                 const Package* after, std::vector<PolicyChange>& changes) {
  static const Package kAbsent;
  PolicyChange context;
  context.package = name;
  context.old_version = before ? Join(before->versions) : "";
  context.new_version = after ? Join(after->versions) : "";

  if (before == nullptr || after == nullptr) {
    PolicyChange change = context;
    change.kind = "package";
    change.value = name;
    change.added = after != nullptr;
    change.risk = change.added ? "new-package" : "";
    changes.push_back(std::move(change));
  } else if (Describe(*before) != Describe(*after)) {
    PolicyChange change = context;
    change.kind = "version";
    change.value = Describe(*before) + " -> " + Describe(*after);
    changes.push_back(std::move(change));
  }
  DiffGrants((before ? *before : kAbsent).grants,
             (after ? *after : kAbsent).grants, context, changes);
}

// DiffSection compares a top-level section (defaults:, compile:), reported
// as the pseudo-package `name`.
void DiffSection(std::string_view name, const PackageEntry& before,
                 const PackageEntry& after, std::vector<PolicyChange>& changes) {
  Grants old_grants, new_grants;
  AddGrants(before, old_grants);
  AddGrants(after, new_grants);
  PolicyChange context;
  context.package = std::string(name);
  DiffGrants(old_grants, new_grants, context, changes);
}

}  // namespace

std::vector<PolicyChange> DiffPolicies(const Policy& before,
                                       const Policy& after) {
  std::vector<PolicyChange> changes;
  DiffSection(kDefaultsName, before.defaults, after.defaults, changes);
  DiffSection(kCompileName, before.compile, after.compile, changes);

  const auto old_packages = ByName(before);
  const auto new_packages = ByName(after);
  std::set<std::string> names;
  for (const auto& [name, package] : old_packages) names.insert(name);
  for (const auto& [name, package] : new_packages) names.insert(name);
  for (const std::string& name : names) {
    const auto old_it = old_packages.find(name);
    const auto new_it = new_packages.find(name);
    DiffPackage(name, old_it == old_packages.end() ? nullptr : &old_it->second,
                new_it == new_packages.end() ? nullptr : &new_it->second,
                changes);
  }
  std::sort(changes.begin(), changes.end(),
            [](const PolicyChange& a, const PolicyChange& b) {
              return std::tie(a.package, a.kind, a.value, a.added) <
                     std::tie(b.package, b.kind, b.value, b.added);
            });
  return changes;
}

}  // namespace warden
