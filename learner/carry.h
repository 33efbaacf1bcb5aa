// Carrying observations over: cargo reruns a build script only when it finds
// it stale, so a learn on a warm target dir sees few or none of them. Learn's
// proposal is made from the latest observation of each package version the
// workspace locks, whichever run made it.
#ifndef WARDEN_LEARNER_CARRY_H_
#define WARDEN_LEARNER_CARRY_H_

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "db/store.h"
#include "policy/matcher.h"
#include "tracer/event.h"

namespace warden {

// CarriedInvocations picks from `latest` (Store::LatestInvocations of the
// workspace's learn runs) the invocations whose observations learn carries
// over into this run's proposal. For each package version (name, version,
// source) in `locked` that no invocation in `ran` (this run's) belongs to,
// they are those of the newest run that invoked it: each build script (by
// binary hash) that run ran for it, none it superseded. A package version
// that reran here is this run's alone; one not in `locked` drops out.
// In `latest`'s order.
std::vector<InvocationRecord> CarriedInvocations(
    const std::vector<InvocationRecord>& latest,
    const std::vector<InvocationRecord>& ran,
    const std::vector<PackageId>& locked);

// CompileFinding is one request of rustc, or of a proc macro, compiler
// driver or linker it ran, that the floor does not grant: denied under
// enforce, noted under learn for the proposal's `compile:` section.
struct CompileFinding {
  std::string package;  // the crate being compiled
  std::string version;
  Event event;
};

// CompileRun is what the warden-rustc calls of one run left: the crates they
// compiled (name, version) and their findings.
struct CompileRun {
  std::set<std::pair<std::string, std::string>> compiled;
  std::vector<CompileFinding> findings;
};

// CarriedCompileFindings is, for each package version in `locked`, the
// findings of the newest run in `newest_first` (this run first, then the
// workspace's earlier learn runs) that compiled it: cargo recompiles only
// what is stale, so a warm learn compiles little. The compile-side twin of
// CarriedInvocations.
std::vector<CompileFinding> CarriedCompileFindings(
    const std::vector<CompileRun>& newest_first,
    const std::vector<PackageId>& locked);

}  // namespace warden

#endif  // WARDEN_LEARNER_CARRY_H_
