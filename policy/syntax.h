// The grammar of rule values, shared by the loader (which validates them) and
// the matcher (which expands and parses them). Internal to policy/.
#ifndef WARDEN_POLICY_SYNTAX_H_
#define WARDEN_POLICY_SYNTAX_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "policy/matcher.h"
#include "policy/rule_kinds.h"

namespace warden::policy_internal {

// kVariableNames lists the path variables (without braces), in the order
// FindVariablePrefix (policy/pattern.h) prefers them when two have the same
// value: {home} last, as the learner never globs below it.
inline constexpr std::array<std::string_view, 9> kVariableNames = {
    "out_dir",     "target_dir",  "manifest_dir", "workspace_root", "cargo_home",
    "rustup_home", "sysroot",     "tmp",          "home"};

// VariableValue returns the value of `name` in `vars`, or nullptr when `name`
// is not a variable.
const std::string* VariableValue(const PathVars& vars, std::string_view name);

// ValidateRule checks `value` as a rule of `kind`. The error message has the
// form "what is wrong (hint: how to fix)", without a location.
absl::Status ValidateRule(RuleKind kind, std::string_view value);

// ValidateCrateName checks a package name as Cargo allows it.
absl::Status ValidateCrateName(std::string_view name);

// IsEnvNameStart and IsEnvNameChar are the grammar of an `env:` name,
// [A-Za-z_][A-Za-z0-9_.-]*.
bool IsEnvNameStart(char c);
bool IsEnvNameChar(char c);

// ExpandPath replaces the leading variable of a valid path pattern and
// normalises the result. nullopt when the variable is empty or unknown: such
// a rule never matches.
std::optional<std::string> ExpandPath(std::string_view pattern,
                                      const PathVars& vars);

enum class NetScheme { kTcp, kUdp, kUnix };

// NetSpec is a parsed network rule or network target. For targets the host is
// exact (full prefix) and the port range a single port.
struct NetSpec {
  NetScheme scheme = NetScheme::kTcp;
  bool any_host = false;
  int family = 4;                     // 4 or 6
  std::array<uint8_t, 16> addr = {};  // IPv4 uses the first 4 bytes
  int prefix = 32;
  uint32_t port_lo = 0;
  uint32_t port_hi = 0;
  std::string path;  // kUnix: the path (pattern for rules)
};

// ParseNetRule parses "tcp:HOST[/PREFIX]:PORT[-PORT]", "udp:…" or
// "unix:/path"; HOST may be '*', PORT may be '*'.
absl::StatusOr<NetSpec> ParseNetRule(std::string_view value);

// ParseNetTarget parses an Event::target address ("tcp:127.0.0.1:8080",
// "udp:[::1]:53", "unix:/run/x.sock"); IPv4-mapped IPv6 becomes IPv4.
std::optional<NetSpec> ParseNetTarget(std::string_view target);

// HostInRule says whether the exact host of `target` lies in `rule`'s CIDR.
bool HostInRule(const NetSpec& rule, const NetSpec& target);

// PatternRoot is the directory (or file) below which everything an expanded
// path pattern matches lies: its text before the first glob character, cut
// back to a '/' boundary; "/" when nothing literal is left. It does not know
// that the matcher reads "/proc/self" as any "/proc/<pid>".
std::string PatternRoot(std::string_view expanded);

// QuoteYaml renders `s` as a YAML double-quoted scalar.
std::string QuoteYaml(std::string_view s);

// EditDistance is the Levenshtein distance, for "did you mean" hints.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace warden::policy_internal

#endif  // WARDEN_POLICY_SYNTAX_H_
