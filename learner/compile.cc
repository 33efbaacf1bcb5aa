#include "absl/strings/str_cat.h"
#include "learner/generalize.h"
#include "learner/learner.h"
#include "policy/pattern.h"

namespace warden {

std::vector<Rule> ProposeCompileReads(const std::vector<std::string>& paths,
                                      const PathVars& vars) {
  learner_internal::Hits hits;
  for (const std::string& path : paths)
    if (const auto pattern = PathToPattern(path, vars)) ++hits[*pattern];
  std::vector<Rule> rules;
  for (const auto& [pattern, count] : learner_internal::GroupPaths(hits)) {
    Rule rule;
    rule.value = pattern;
    rule.comment = absl::StrCat(count, count == 1 ? " file" : " files",
                                " read by rustc");
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace warden
