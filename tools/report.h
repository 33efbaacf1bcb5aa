// Human and JSON output of enforce denials and policy changes.
#ifndef WARDEN_TOOLS_REPORT_H_
#define WARDEN_TOOLS_REPORT_H_

#include <cstdio>
#include <string>
#include <vector>

#include "learner/learner.h"

namespace warden {

// AllowLine is the warden.yaml line that would allow denied `e` of `o`, ""
// when none can. A dropped directive carries the entry that would allow it;
// none can allow warden's own variables.
std::string AllowLine(const Observation& o, const Event& e);

// DeniedCount is how many distinct requests of `o` were denied; hidden
// reads (policy/decider.h Hidden) are not denials.
size_t DeniedCount(const Observation& o);

// PrintDenials lists every denied request: package, version, operation,
// target and the warden.yaml line that would allow it (with the line of the
// package's entry), grouped per package. Returns how many distinct denials
// there were. Reads of other processes' /proc that no line can grant
// (policy/decider.h Hidden) are not denials: one note counts them.
// `format` is "human" (status words coloured when `colour`) or "json" (JSON
// Lines).
size_t PrintDenials(const std::vector<Observation>& observations,
                    const std::string& policy_path, const std::string& format,
                    FILE* out, bool colour);

// PrintDenialsSarif writes the denials PrintDenials lists as one SARIF 2.1.0
// document (tools/sarif.h): rule WARDEN-<OP>-DENIED, help the warden.yaml
// line that would allow it, properties package, version, source, operation,
// target, allow_with; located at the package's entry in `policy_path` (or
// its start) and at the package's Cargo.toml.
void PrintDenialsSarif(const std::vector<Observation>& observations,
                       const std::string& policy_path, FILE* out);

// PrintUnsupervised names each build script that ran outside warden's
// supervisor (`format` "human" or "json").
void PrintUnsupervised(const std::vector<std::string>& build_scripts,
                       const std::string& format, FILE* out);

// PrintChanges prints policy changes as "human", "markdown", "json" or
// "sarif" (one SARIF 2.1.0 document, tools/sarif.h, each result located at
// its package's entry in `policy_path`, or that file's start).
void PrintChanges(const std::vector<PolicyChange>& changes,
                  const std::string& format, const std::string& policy_path,
                  FILE* out);

}  // namespace warden

#endif  // WARDEN_TOOLS_REPORT_H_
