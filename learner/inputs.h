// Which files a build script read without declaring them to cargo, and which
// it declared without reading (issue 13, part 3).
#ifndef WARDEN_LEARNER_INPUTS_H_
#define WARDEN_LEARNER_INPUTS_H_

#include <string>
#include <vector>

#include "learner/learner.h"

namespace warden {

// InputCoverage compares a build script's reads with its rerun-if-changed
// directives. Paths are patterns in the policy's variable form
// ("{manifest_dir}/foo.h"), sorted, each once. Environment reads are not
// covered: getenv is no syscall, seccomp never sees it.
struct InputCoverage {
  // Files and directories read that no rerun-if-changed covers (a directory
  // covers everything below it; with no rerun-if-* directive at all cargo
  // watches the whole package, so only reads outside it count).
  std::vector<std::string> undeclared_inputs;
  // rerun-if-changed paths nothing at or below was read (stat is not
  // trapped, so a path only stat'ed counts as unread).
  std::vector<std::string> declared_unread;
};

// CheckInputs computes the InputCoverage of one observation. Reads of the
// system (/usr, /lib*, /etc, /proc, /sys, /dev), the toolchain and the
// target dir are not inputs a build script declares; misses (ENOENT) and
// denied reads are not reads.
InputCoverage CheckInputs(const Observation& obs);

// CheckPackageInputs is CheckInputs over every build-script run of `package`
// (name and version; compile observations skipped): reads undeclared in any
// run, declarations read in none. `build_script` (its source relative to the
// package root, e.g. "build.rs", from cargo metadata) is never reported
// unread: cargo compiles it, the script itself need not read it.
InputCoverage CheckPackageInputs(const std::vector<Observation>& observations,
                                 const PackageId& package,
                                 const std::string& build_script);

}  // namespace warden

#endif  // WARDEN_LEARNER_INPUTS_H_
