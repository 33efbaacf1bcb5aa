// What learn proposes for a whole run, and how it compares with what the
// packages declare.
#include <set>

#include "learner/learner.h"

namespace warden {

Policy ProposeRunPolicy(const std::vector<Observation>& observations,
                        const std::vector<std::string>& compile_reads,
                        const PathVars& vars) {
  Policy proposed = ProposePolicy(observations);
  const std::set<std::string> files(compile_reads.begin(), compile_reads.end());
  proposed.compile.read = ProposeCompileReads({files.begin(), files.end()}, vars);
  return proposed;
}

Policy ProposeBehaviour(std::vector<Observation> observations) {
  for (Observation& o : observations)
    for (Event& e : o.events) e.allowed = true;
  return ProposePolicy(observations);
}

std::vector<PolicyChange> UndeclaredChanges(const Policy& declared,
                                            const Policy& proposed) {
  Policy relevant;
  for (const PackageEntry& e : proposed.packages)
    for (const PackageEntry& d : declared.packages)
      if (d.name == e.name) relevant.packages.push_back(e);
  std::vector<PolicyChange> undeclared;
  for (PolicyChange& c : DiffPolicies(declared, relevant))
    if (c.added && c.kind != "version" && c.kind != "package")
      undeclared.push_back(std::move(c));
  return undeclared;
}

}  // namespace warden
