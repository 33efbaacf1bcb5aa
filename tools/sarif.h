// SARIF 2.1.0 output: one document for a list of findings.
//
// Usage:
//   std::vector<SarifFinding> findings = ...;  // one per denial / change
//   std::string doc = SarifDocument(findings);
//   fputs(doc.c_str(), stdout);
//
// Rule ids are stable (README "SARIF"): WARDEN-<KIND>-<WHAT>, e.g.
// WARDEN-READ-DENIED, WARDEN-CONNECT-ADDED. Each distinct rule_id becomes one
// entry of tool.driver.rules (first finding's help text wins), in order of
// first appearance; results refer to it by ruleId and ruleIndex.
// Pure: no I/O, thread-compatible.
#ifndef WARDEN_TOOLS_SARIF_H_
#define WARDEN_TOOLS_SARIF_H_

#include <map>
#include <string>
#include <vector>

namespace warden {

// SarifLocation is a place in a file: `uri` relative to the repository root
// or absolute (file://), `line`/`column` 1-based, 0 when unknown (written
// as the file's start, 1:1).
struct SarifLocation {
  std::string uri;
  int line = 0;
  int column = 0;
};

// SarifFinding is one result. `level` is "error", "warning" or "note".
// `help` says how to allow it (the warden.yaml line). `properties` are copied
// to result.properties (package, version, source, operation, target).
struct SarifFinding {
  std::string rule_id;
  std::string rule_name;  // short description of the rule
  std::string help;
  std::string message;
  std::string level = "error";
  std::vector<SarifLocation> locations;
  std::map<std::string, std::string> properties;
};

// SarifRuleId is the stable id for an operation name ("read", "exec", ...)
// and what happened ("denied", "added"): WARDEN-READ-DENIED.
std::string SarifRuleId(const std::string& operation, const std::string& what);

// SarifUri is `path` as an artifactLocation uri: relative to the current
// directory when below it (CI runs from the checkout), else a file:// URI.
std::string SarifUri(const std::string& path);

// SarifDocument is the whole SARIF 2.1.0 log (one run, tool "warden"),
// pretty-printed, ending with a newline. Bytes that are not UTF-8 become
// U+FFFD.
std::string SarifDocument(const std::vector<SarifFinding>& findings);

}  // namespace warden

#endif  // WARDEN_TOOLS_SARIF_H_
