// Seeding warden.yaml from census data (scripts/census.py): entries observed
// when the same crate version was learned elsewhere, so a new user's first
// policy does not come from running unreviewed build scripts with full rights.
#ifndef WARDEN_LEARNER_IMPORT_H_
#define WARDEN_LEARNER_IMPORT_H_

#include <string>
#include <vector>

#include "policy/matcher.h"
#include "policy/policy.h"

namespace warden {

// CensusPolicy is one census file, loaded: `file` names it in the marker.
struct CensusPolicy {
  std::string file;
  Policy policy;
};

// ImportResult says, per locked registry package, what the census gave.
struct ImportResult {
  Policy policy;                      // `existing` plus the imported entries
  std::vector<std::string> imported;  // "name version (file)"
  std::vector<std::string> kept;      // already in `existing`: left alone
  std::vector<std::string> missing;   // locked, no census entry
};

// ImportCensus adds to `existing`, for every locked registry package that
// `existing` has no entry for, the census entry made for exactly that
// version (its `version` is "=VERSION", as scripts/census.py pins it; a
// looser requirement never matches: observed code is one version's), with
// source registry, and
// marked in its comment as imported from its file, not learned here.
// Path and git packages are never imported: their code is the user's own.
// `locked` is Cargo.lock's list; census files are tried in the given order.
ImportResult ImportCensus(const Policy& existing,
                          const std::vector<PackageId>& locked,
                          const std::vector<CensusPolicy>& census);

}  // namespace warden

#endif  // WARDEN_LEARNER_IMPORT_H_
