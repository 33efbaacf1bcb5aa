// Learner: turns what build scripts were seen doing into a proposed policy,
// and compares two observations or policies for upgrade review.
#ifndef WARDEN_LEARNER_LEARNER_H_
#define WARDEN_LEARNER_LEARNER_H_

#include <map>
#include <string>
#include <vector>

#include "policy/matcher.h"
#include "policy/policy.h"
#include "tracer/directive.h"
#include "tracer/event.h"

namespace warden {

// Observation is everything one build-script run of a package was seen doing,
// with the path variables of that run so paths can be generalised.
struct Observation {
  PackageId package;
  PathVars vars;
  std::vector<Event> events;
  std::vector<Directive> directives;
  std::vector<std::string> env_used;  // from cargo:rerun-if-env-changed
  // Events of rustc compiling the package (and of the proc macros, compiler
  // driver and linker it ran) under warden's floor, not of its build script:
  // their grants go in the policy's `compile:` section.
  bool compile = false;
  // The build script's exit status (0: it succeeded).
  int exit_status = 0;
};

// ProposePolicy writes the narrowest readable policy that allows every
// successful access in `observations`:
//  - paths get variables back ({out_dir}, {manifest_dir}, {home}, …);
//  - many files under one directory become a glob on that directory, never
//    "/", "/**", "{home}/**" or "/usr/**";
//  - ENOENT probes and denied events never become grants;
//  - accesses covered by the baseline or a profile are not repeated;
//  - programs found through $PATH are written by name.
// Runs of one package (several features, builds or sources) merge into one
// entry, version-agnostic so upgrades diff cleanly. Rules carry an
// "N accesses" comment, entries "learned from K runs, M events".
// Output is deterministic: same observations, byte-identical SavePolicy.
Policy ProposePolicy(const std::vector<Observation>& observations);

// ProposeBehaviour is ProposePolicy with denied attempts counted as if they
// had been allowed: everything the build scripts did or tried, as a policy
// (an enforce run's denials are what a reviewer of an upgrade needs to see).
Policy ProposeBehaviour(std::vector<Observation> observations);

// ProposeCompileReads turns the files rustc read beyond warden's floor
// (include_bytes!/include_str! inputs, proc macros' reads; seen by
// warden-rustc's supervisor under learn) into `compile: read:` rules, with
// variables put back and folded like a build script's reads.
std::vector<Rule> ProposeCompileReads(const std::vector<std::string>& paths,
                                      const PathVars& vars);

// ProposeRunPolicy is learn's proposal for one run: ProposePolicy of its
// build scripts' `observations`, and ProposeCompileReads of `compile_reads`
// (each file counted once, however many rustc calls read it) for
// `compile: read:`.
Policy ProposeRunPolicy(const std::vector<Observation>& observations,
                        const std::vector<std::string>& compile_reads,
                        const PathVars& vars);

// PolicyChange is one grant added or removed for a package.
struct PolicyChange {
  std::string package;
  std::string old_version;
  std::string new_version;
  std::string kind;  // "read", "write", "exec", "connect", "bind", "env",
                     // "directive", "profile"; "version" when the version
                     // requirement or source changed (value "OLD -> NEW");
                     // "package" when the whole entry came or went
  std::string value;
  bool added = true;
  std::string risk;  // "", or a label such as "network", "shell-exec",
                     // "downloader", "home-read", "write-outside-out-dir",
                     // "link-arg", "new-package"
};

// DiffPolicies lists what `after` grants that `before` does not (added) and
// the reverse (removed), sorted by package, kind, value. Entries are matched
// by crate name alone, so an upgrade that changes the version requirement
// still diffs grant by grant; `defaults:` is reported as package
// "(defaults)", `compile:` as "(compile)". Only added grants carry a risk
// label.
std::vector<PolicyChange> DiffPolicies(const Policy& before,
                                       const Policy& after);

// UndeclaredChanges lists the grants `proposed` adds to `declared` (the
// packages' own [package.metadata.warden] tables) for the packages that
// declare one: what their build scripts did that their authors did not
// declare. Version and whole-entry changes are left out.
std::vector<PolicyChange> UndeclaredChanges(const Policy& declared,
                                            const Policy& proposed);

}  // namespace warden

#endif  // WARDEN_LEARNER_LEARNER_H_
