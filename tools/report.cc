#include "tools/report.h"

#include <unistd.h>

#include <map>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "policy/decider.h"
#include "policy/matcher.h"
#include "policy/yaml.h"
#include "tools/json_line.h"
#include "tools/sarif.h"
#include "tools/term.h"

namespace warden {

std::string AllowLine(const Observation& o, const Event& e) {
  if (e.op != Op::kDirective) return SuggestRule(e, o.vars);
  return e.detail.empty() ? "" : "directives: " + QuotedScalar(e.detail);
}

size_t DeniedCount(const Observation& o) {
  size_t denied = 0;
  for (const Event& e : o.events) denied += e.allowed || Hidden(e) ? 0 : 1;
  return denied;
}

namespace {

std::string Describe(const Event& e) {
  if (e.op == Op::kExec && !e.detail.empty()) return e.target + "  (argv: " + e.detail + ")";
  if (e.op == Op::kRename || e.op == Op::kLink) return e.target + " -> " + e.detail;
  return e.target;
}

// DenialFindings are the denied requests in `observations` as SARIF
// results (errors), one rule per operation, located at the policy file.
// PolicyLocation is `package`'s entry in the policy file (its start when
// the package has no entry).
SarifLocation PolicyLocation(const std::string& policy_path,
                             const std::map<std::string, TextPosition>& positions,
                             const std::string& package) {
  auto it = positions.find(package);
  if (it == positions.end()) return {SarifUri(policy_path), 0, 0};
  return {SarifUri(policy_path), it->second.line, it->second.column};
}

std::vector<SarifFinding> DenialFindings(const std::vector<Observation>& observations,
                                         const std::string& policy_path) {
  const std::map<std::string, TextPosition> positions =
      PackageEntryPositionsInFile(policy_path);
  std::vector<SarifFinding> findings;
  for (const Observation& o : observations) {
    for (const Event& e : o.events) {
      if (e.allowed || Hidden(e)) continue;
      const std::string op(OpName(e.op));
      const std::string rule = AllowLine(o, e);
      const std::string section =
          o.compile ? "compile:" : "packages: " + o.package.name + ":";
      SarifFinding f{
          .rule_id = SarifRuleId(op, "denied"),
          .rule_name = "a build script's " + op + " request was denied",
          .help = rule.empty() ? "no warden.yaml line can allow this"
                               : "allow with, under " + section + " in warden.yaml:  " + rule,
          .message = o.package.name + " " + o.package.version + ": denied " + op +
                     " " + Describe(e) + (rule.empty() ? "" : "; allow with: " + rule),
          // compile: grants are not under the package's entry.
          .locations = {PolicyLocation(policy_path, positions,
                                       o.compile ? "" : o.package.name)},
          .properties = {{"package", o.package.name}, {"version", o.package.version},
                         {"source", o.package.source}, {"operation", op},
                         {"target", e.target}, {"allow_with", rule}}};
      // The package's own manifest, when cargo told us where it is.
      if (!o.vars.manifest_dir.empty())
        f.locations.push_back({SarifUri(o.vars.manifest_dir + "/Cargo.toml"), 0, 0});
      findings.push_back(std::move(f));
    }
  }
  return findings;
}

// ChangeFindings are `changes` as SARIF results: an added grant is a
// warning to review, a removed one a note. Located at the package's entry
// in `policy_path`.
std::vector<SarifFinding> ChangeFindings(const std::vector<PolicyChange>& changes,
                                         const std::string& policy_path) {
  const std::map<std::string, TextPosition> positions =
      PackageEntryPositionsInFile(policy_path);
  std::vector<SarifFinding> findings;
  for (const PolicyChange& c : changes) {
    const char* what = c.added ? "added" : "removed";
    SarifFinding f{.rule_id = SarifRuleId(c.kind, what),
                   .rule_name = "a build script's " + c.kind + " permission was " + what,
                   .help = "review the change; it is kept by writing it under packages: " +
                           c.package + ": " + c.kind + " in warden.yaml",
                   .message = c.package + " " + c.new_version + ": " + what + " " +
                              c.kind + " " + c.value +
                              (c.risk.empty() ? "" : " [" + c.risk + "]"),
                   .level = c.added ? "warning" : "note",
                   .locations = {PolicyLocation(policy_path, positions, c.package)},
                   .properties = {{"package", c.package}, {"version", c.new_version},
                                  {"old_version", c.old_version}, {"operation", c.kind},
                                  {"target", c.value}, {"risk", c.risk}}};
    findings.push_back(std::move(f));
  }
  return findings;
}

}  // namespace

size_t PrintDenials(const std::vector<Observation>& observations,
                    const std::string& policy_path, const std::string& format,
                    FILE* out, bool colour) {
  size_t denied = 0;
  bool json = format == "json";
  const std::map<std::string, TextPosition> positions =
      json ? std::map<std::string, TextPosition>{} : PackageEntryPositionsInFile(policy_path);
  std::string last_package;
  uint64_t hidden = 0;
  std::string hidden_example;
  for (const Observation& o : observations) {
    const size_t in_package = DeniedCount(o);
    for (const Event& e : o.events) {
      if (e.allowed) continue;
      if (Hidden(e)) {
        hidden += e.count;
        if (hidden_example.empty())
          hidden_example = o.package.name + " read " + e.target;
        continue;
      }
      ++denied;
      std::string rule = AllowLine(o, e);
      if (json) {
        nlohmann::json j = {{"code", "W001"},
                            {"kind", "denied"},
                            {"package", o.package.name},
                            {"version", o.package.version},
                            {"source", o.package.source},
                            {"operation", std::string(OpName(e.op))},
                            {"target", e.target},
                            {"detail", e.detail},
                            {"count", e.count},
                            {"section", o.compile ? "compile" : "packages"},
                            {"allow_with", rule}};
        fprintf(out, "%s\n", JsonLine(j).c_str());
        continue;
      }
      std::string package = o.package.name + " v" + o.package.version;
      if (package != last_package) {
        fputs(StatusLine("Denied",
                         absl::StrCat(package, " (", o.package.source,
                                      o.compile ? ", compiling" : ", build script",
                                      "): ", in_package, in_package == 1 ? " request" : " requests"),
                         Style::kRed, colour).c_str(), out);
        last_package = package;
      }
      fprintf(out, "    denied %-8s %s\n", std::string(OpName(e.op)).c_str(),
              Describe(e).c_str());
      // The entry's line, so an editor jumps there: path:line.
      auto entry = positions.find(o.package.name);
      if (!rule.empty() && o.compile)
        fprintf(out, "           allow with, under compile: in %s:  %s\n",
                policy_path.c_str(), rule.c_str());
      else if (!rule.empty() && entry != positions.end())
        fprintf(out, "           allow with, under packages: %s: in %s:%d:  %s\n",
                o.package.name.c_str(), policy_path.c_str(), entry->second.line,
                rule.c_str());
      else if (!rule.empty())
        fprintf(out, "           allow with, under packages: %s: (a new entry) in %s:  %s\n",
                o.package.name.c_str(), policy_path.c_str(), rule.c_str());
      else if (e.detail == kOtherProcess)
        fprintf(out, "           no warden.yaml line can allow this: another "
                     "process's /proc (its environment, its files)\n");
    }
  }
  if (hidden > 0) {
    if (json)
      fprintf(out, "%s\n",
              JsonLine(nlohmann::json{{"kind", "hidden"}, {"count", hidden},
                                      {"example", hidden_example}})
                  .c_str());
    else
      fprintf(out,
              "%s: hidden: %llu read%s of other processes' /proc, e.g. %s; no "
              "policy line can allow them (answered as if the process were not "
              "there)\n",
              Painted("note", Style::kCyan, colour).c_str(),
              static_cast<unsigned long long>(hidden), hidden == 1 ? "" : "s",
              hidden_example.c_str());
  }
  if (!json && denied > 0)
    fprintf(out,
            "%s: %zu request%s denied by %s\n"
            "hint: if a request is legitimate, add the line shown to the "
            "package's entry (or to the override file) after review; "
            "`cargo warden learn` proposes them\n",
            Painted("error[W001]", Style::kRed, colour).c_str(), denied,
            denied == 1 ? " was" : "s were", policy_path.c_str());
  return denied;
}

void PrintDenialsSarif(const std::vector<Observation>& observations,
                       const std::string& policy_path, FILE* out) {
  fputs(SarifDocument(DenialFindings(observations, policy_path)).c_str(), out);
}

void PrintUnsupervised(const std::vector<std::string>& build_scripts,
                       const std::string& format, FILE* out) {
  for (const std::string& path : build_scripts) {
    if (format == "json") {
      fprintf(out, "%s\n",
              JsonLine(nlohmann::json{{"kind", "unsupervised"}, {"build_script", path}})
                  .c_str());
    } else {
      fprintf(out,
              "cargo-warden: denied: a build script ran outside warden's "
              "supervisor: %s\n  (a cargo started without warden's "
              "environment compiled it, e.g. a test harness's nested cargo; "
              "it ran under warden's floor only)\n",
              path.c_str());
    }
  }
}

void PrintChanges(const std::vector<PolicyChange>& changes,
                  const std::string& format, const std::string& policy_path,
                  FILE* out) {
  if (format == "sarif") {
    fputs(SarifDocument(ChangeFindings(changes, policy_path)).c_str(), out);
    return;
  }
  if (format == "json") {
    for (const PolicyChange& c : changes) {
      nlohmann::json j = {{"package", c.package},
                          {"old_version", c.old_version},
                          {"new_version", c.new_version},
                          {"kind", c.kind},
                          {"value", c.value},
                          {"change", c.added ? "added" : "removed"},
                          {"risk", c.risk}};
      fprintf(out, "%s\n", JsonLine(j).c_str());
    }
    return;
  }
  const bool markdown = format == "markdown";
  const bool color = !markdown && isatty(fileno(out));
  if (markdown) {
    fprintf(out, "### warden: build-script permission changes\n\n");
    if (changes.empty()) fprintf(out, "No changes.\n");
    else fprintf(out, "| package | version | change | kind | value | risk |\n|---|---|---|---|---|---|\n");
  }
  for (const PolicyChange& c : changes) {
    std::string version = c.old_version == c.new_version
                              ? c.new_version
                              : c.old_version + " -> " + c.new_version;
    if (markdown) {
      fprintf(out, "| %s | %s | %s | %s | `%s` | %s |\n", c.package.c_str(),
              version.c_str(), c.added ? "added" : "removed", c.kind.c_str(),
              c.value.c_str(), c.risk.empty() ? "" : ("**" + c.risk + "**").c_str());
      continue;
    }
    const char* on = color ? (c.added ? "\033[32m" : "\033[31m") : "";
    const char* off = color ? "\033[0m" : "";
    fprintf(out, "  %s%c %s %s: %s %s%s%s\n", on, c.added ? '+' : '-',
            c.package.c_str(), version.c_str(), c.kind.c_str(), c.value.c_str(),
            c.risk.empty() ? "" : ("  [" + c.risk + "]").c_str(), off);
  }
}

}  // namespace warden
