#include "tools/contained_report.h"

#include <map>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace warden {

void PrintContainedSummary(const std::vector<ContainedDenial>& denials,
                           FILE* out) {
  if (denials.empty()) {
    fprintf(out, "cargo-warden: --contained refused nothing\n");
    return;
  }
  std::map<std::string, size_t> by_reason;
  std::set<std::string> packages;
  for (const ContainedDenial& d : denials) {
    ++by_reason[d.reason];
    packages.insert(d.package.name);
  }
  std::vector<std::string> counts;
  for (const auto& [reason, n] : by_reason)
    counts.push_back(absl::StrCat(reason, ": ", n));
  fprintf(out,
          "cargo-warden: --contained refused %zu request%s of %zu package%s "
          "(%s)\n",
          denials.size(), denials.size() == 1 ? "" : "s", packages.size(),
          packages.size() == 1 ? "" : "s",
          absl::StrJoin(counts, ", ").c_str());
}

size_t PrintContainedBlame(const std::vector<ContainedDenial>& denials,
                           FILE* out) {
  std::map<std::string, std::vector<const ContainedDenial*>> by_package;
  for (const ContainedDenial& d : denials)
    if (d.exit_status != 0)
      by_package[absl::StrCat(d.package.name, " ", d.package.version)]
          .push_back(&d);
  if (by_package.empty()) return 0;
  fprintf(out,
          "cargo-warden: the build failed under --contained; what the fence "
          "refused the build scripts that failed is the likely cause:\n");
  size_t named = 0;
  for (const auto& [package, list] : by_package) {
    fprintf(out, "  %s (build script exited %d):\n", package.c_str(),
            list.front()->exit_status);
    for (const ContainedDenial* d : list) {
      ++named;
      fprintf(out, "    %s: %s %s%s\n", d->reason.c_str(),
              std::string(OpName(d->event.op)).c_str(), d->event.target.c_str(),
              d->rule.empty()
                  ? "; no rule can allow it"
                  : absl::StrCat("; allow with ", d->rule, " under packages: ",
                                 d->package.name, ":")
                        .c_str());
    }
  }
  fprintf(out,
          "cargo-warden: rerun with the rule added to the policy, or without "
          "--contained, after review\n");
  return named;
}

}  // namespace warden
