// The kinds of rule a warden.yaml entry holds: the one table the loader, the
// writer, the matcher, `learn --diff` and `show` read their names from.
#ifndef WARDEN_POLICY_RULE_KINDS_H_
#define WARDEN_POLICY_RULE_KINDS_H_

#include <string_view>
#include <vector>

#include "policy/policy.h"
#include "tracer/event.h"

namespace warden {
namespace policy_internal {

// RuleKind is the list of a PackageEntry a rule sits in, for ValidateRule
// (policy/syntax.h) and the matcher.
enum class RuleKind { kRead, kWrite, kExec, kConnect, kBind, kEnv, kDirective };

}  // namespace policy_internal

// RuleKindInfo describes one kind.
struct RuleKindInfo {
  policy_internal::RuleKind kind;
  std::string_view key;        // YAML key of the list: "directives"
  std::string_view label;      // one grant in diffs, show and origins: "directive"
  std::string_view value_key;  // key of the value in an item's map form
  Access access;               // what it grants; kNone: not a file or socket
                               // access, so not allowed under `compile:`
  std::vector<Rule> PackageEntry::*rules;
};

// kRuleKinds lists every kind, in the order warden.yaml writes them.
inline constexpr RuleKindInfo kRuleKinds[] = {
    {policy_internal::RuleKind::kRead, "read", "read", "path",
     Access::kRead, &PackageEntry::read},
    {policy_internal::RuleKind::kWrite, "write", "write", "path",
     Access::kWrite, &PackageEntry::write},
    {policy_internal::RuleKind::kExec, "exec", "exec", "program",
     Access::kExec, &PackageEntry::exec},
    {policy_internal::RuleKind::kConnect, "connect", "connect", "address",
     Access::kConnect, &PackageEntry::connect},
    {policy_internal::RuleKind::kBind, "bind", "bind", "address",
     Access::kBind, &PackageEntry::bind},
    {policy_internal::RuleKind::kEnv, "env", "env", "name",
     Access::kNone, &PackageEntry::env},
    {policy_internal::RuleKind::kDirective, "directives", "directive", "key",
     Access::kNone, &PackageEntry::directives},
};

}  // namespace warden

#endif  // WARDEN_POLICY_RULE_KINDS_H_
