#include "policy/syntax.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "policy/path.h"

namespace warden::policy_internal {
namespace {

absl::Status Invalid(std::string_view what, std::string_view hint) {
  return absl::InvalidArgumentError(absl::StrCat(
      absl::string_view(what.data(), what.size()), " (hint: ",
      absl::string_view(hint.data(), hint.size()), ")"));
}

std::string Quoted(std::string_view s) {
  return absl::StrCat("\"", absl::string_view(s.data(), s.size()), "\"");
}

std::string KnownVariablesList() {
  std::vector<std::string> names;
  for (std::string_view v : kVariableNames)
    names.push_back(absl::StrCat("{", absl::string_view(v.data(), v.size()),
                                 "}"));
  return absl::StrJoin(names, ", ");
}

bool IsGlobOnly(std::string_view component) {
  return !component.empty() &&
         component.find_first_not_of('*') == std::string_view::npos;
}

// SplitVariable separates a leading "{var}" from the rest of a pattern.
// Errors on unbalanced braces, unknown variables and variables elsewhere.
absl::Status SplitVariable(std::string_view value, std::string_view& var,
                           std::string_view& rest) {
  var = {};
  rest = value;
  if (!value.empty() && value[0] == '{') {
    size_t close = value.find('}');
    if (close == std::string_view::npos)
      return Invalid("unbalanced '{' in pattern",
                     "close the variable, e.g. \"{out_dir}/**\"");
    var = value.substr(1, close - 1);
    rest = value.substr(close + 1);
    if (var.find('{') != std::string_view::npos)
      return Invalid("unbalanced '{' in pattern",
                     "close the variable, e.g. \"{out_dir}/**\"");
    bool known = std::find(kVariableNames.begin(), kVariableNames.end(),
                           var) != kVariableNames.end();
    if (!known)
      return Invalid(absl::StrCat("unknown variable {",
                                  absl::string_view(var.data(), var.size()),
                                  "}"),
                     absl::StrCat("known variables: ", KnownVariablesList()));
  }
  size_t open = rest.find('{');
  size_t close = rest.find('}');
  if (open != std::string_view::npos && close != std::string_view::npos &&
      open < close)
    return Invalid("a variable may only start a pattern",
                   "write \"{var}/rest\", e.g. \"{manifest_dir}/src/**\"");
  if (open != std::string_view::npos || close != std::string_view::npos)
    return Invalid("unbalanced braces in pattern",
                   "variables are written \"{name}\" at the start");
  if (!var.empty() && !rest.empty() && rest[0] != '/')
    return Invalid("a variable must be followed by '/'",
                   "write e.g. \"{tmp}/cc*\"");
  if (var.empty() && (rest.empty() || rest[0] != '/'))
    return Invalid("path is not absolute",
                   absl::StrCat("start with '/' or a variable (",
                                KnownVariablesList(), ")"));
  return absl::OkStatus();
}

absl::Status ValidateComponents(
    const std::vector<std::string_view>& components) {
  for (std::string_view c : components) {
    if (c == "." || c == "..")
      return Invalid(absl::StrCat("'", absl::string_view(c.data(), c.size()),
                                  "' component in pattern"),
                     "write the path without '.' and '..' components");
    if (c.find("***") != std::string_view::npos)
      return Invalid("'***' is not a glob",
                     "use '**' for any depth or '*' within one component");
    if (c.find("**") != std::string_view::npos && c != "**")
      return Invalid("'**' must be a whole path component",
                     "write \"/a/**/b\" for any depth, or \"a*b\" within one "
                     "component");
  }
  return absl::OkStatus();
}

// GrantsAllBelow: the components after a base grant every path below it.
bool GrantsAllBelow(const std::vector<std::string_view>& components,
                    size_t from) {
  bool has_any_depth = false;
  for (size_t i = from; i < components.size(); ++i) {
    if (!IsGlobOnly(components[i])) return false;
    if (components[i] == "**") has_any_depth = true;
  }
  return has_any_depth;
}

absl::Status CheckNotTooBroad(std::string_view var,
                              const std::vector<std::string_view>& components,
                              bool for_write) {
  if (var.empty() && (components.empty() || GrantsAllBelow(components, 0)))
    return Invalid("pattern grants the whole file system",
                   "name the directories the build script needs, e.g. "
                   "\"/usr/include/**\"");
  if (!for_write) return absl::OkStatus();
  if (var == "home" && GrantsAllBelow(components, 0))
    return Invalid("write access to the whole home directory",
                   "grant the files the build script writes, e.g. "
                   "\"{home}/.cache/mytool/**\"");
  if (var.empty() && components[0] == "usr" && GrantsAllBelow(components, 1))
    return Invalid("write access to all of /usr",
                   "build scripts write below {out_dir}; grant a narrower "
                   "path");
  return absl::OkStatus();
}

absl::Status ValidatePathPattern(std::string_view value, bool for_write) {
  if (value.empty())
    return Invalid("empty pattern",
                   "write an absolute path such as \"/usr/include/**\" or "
                   "\"{out_dir}/**\"");
  std::string_view var, rest;
  if (absl::Status s = SplitVariable(value, var, rest); !s.ok()) return s;
  std::vector<std::string_view> components = SplitPath(rest);
  if (absl::Status s = ValidateComponents(components); !s.ok()) return s;
  return CheckNotTooBroad(var, components, for_write);
}

absl::Status ValidateProgram(std::string_view value) {
  if (value.find('/') != std::string_view::npos)
    return ValidatePathPattern(value, /*for_write=*/false);
  if (value.empty())
    return Invalid("empty program", "write a name found on $PATH (\"cc\") or "
                                    "an absolute path (\"/usr/bin/cc\")");
  if (value == "." || value == ".." ||
      value.find_first_of("{} \t") != std::string_view::npos)
    return Invalid(absl::StrCat("bad program name ", Quoted(value)),
                   "write a name found on $PATH (\"cc\") or an absolute path "
                   "(\"/usr/bin/cc\")");
  return absl::OkStatus();
}

// IsKeyText: a crate name or directive key, [A-Za-z0-9_-]+.
bool IsKeyText(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isalnum(c) || c == '_' || c == '-';
  });
}

absl::Status ValidateEnvName(std::string_view value) {
  std::string_view body = value;
  if (!body.empty() && body.back() == '*') body.remove_suffix(1);
  bool ok = !body.empty() && IsEnvNameStart(body[0]) &&
            std::all_of(body.begin(), body.end(), IsEnvNameChar);
  if (!ok)
    return Invalid(absl::StrCat("bad environment variable name ",
                                Quoted(value)),
                   "names match [A-Za-z_][A-Za-z0-9_.-]*, optionally ending in "
                   "'*' (\"PKG_CONFIG_*\")");
  return absl::OkStatus();
}

// CouldNameWarden says whether an env-name pattern can match a WARDEN_*
// name: it starts with "WARDEN_", or a glob follows a start of "WARDEN_".
bool CouldNameWarden(std::string_view pattern) {
  std::string upper = absl::AsciiStrToUpper(
      absl::string_view(pattern.data(), pattern.size()));
  constexpr std::string_view kWarden = "WARDEN_";
  if (std::string_view(upper).starts_with(kWarden)) return true;
  size_t glob = upper.find_first_of("*?");
  if (glob == std::string::npos || glob == 0) return false;
  return kWarden.starts_with(std::string_view(upper).substr(0, glob));
}

// ValidateDirective checks a `directives:` entry: a key glob
// ("rustc-link-*") or "KEY=PATTERN" (policy/directives.h).
absl::Status ValidateDirective(std::string_view value) {
  size_t eq = value.find('=');
  std::string_view key = value.substr(0, eq);
  std::string_view body = key;
  if (!body.empty() && body.back() == '*') body.remove_suffix(1);
  if (!IsKeyText(body))
    return Invalid(absl::StrCat("bad directive key ", Quoted(value)),
                   "write a cargo: directive key such as \"rustc-link-lib\" "
                   "or \"rustc-link-*\"");
  if (eq == std::string_view::npos) return absl::OkStatus();
  std::string_view pattern = value.substr(eq + 1);
  if (body.size() != key.size())
    return Invalid(
        absl::StrCat("a directive with a value pattern must name one key, not ",
                     Quoted(key)),
        "write the key in full, e.g. \"rustc-link-arg=-Wl,--as-needed\"");
  size_t backslashes = 0;
  for (size_t i = pattern.size(); i > 0 && pattern[i - 1] == '\\'; --i)
    ++backslashes;
  if (backslashes % 2 == 1)
    return Invalid(absl::StrCat("directive pattern ", Quoted(value),
                                " ends in a lone '\\'"),
                   "'\\' takes the next character literally: write \"\\\\\" "
                   "for a backslash, \"\\*\" and \"\\?\" for '*' and '?'");
  if (key == "rustc-link-search") {
    // Over the search PATH: absolute, or a path variable and "/…".
    std::string_view var, rest;
    if (absl::Status s = SplitVariable(pattern, var, rest); !s.ok())
      return Invalid(absl::StrCat("bad library search path in ", Quoted(value),
                                  ": ", s.message()),
                     "write the directory without KIND=, e.g. "
                     "\"rustc-link-search={out_dir}/lib\"");
    return absl::OkStatus();
  }
  if (key != "rustc-env") return absl::OkStatus();
  bool name_ok =
      !pattern.empty() &&
      std::all_of(pattern.begin(), pattern.end(), [](char c) {
        return IsEnvNameChar(c) || c == '*' || c == '?';
      }) &&
      (IsEnvNameStart(pattern[0]) || pattern[0] == '*' || pattern[0] == '?');
  if (!name_ok)
    return Invalid(absl::StrCat("bad rustc-env variable name in ",
                                Quoted(value)),
                   "write \"rustc-env=NAME\" with the variable's name, e.g. "
                   "\"rustc-env=GIT_HASH\"");
  if (CouldNameWarden(pattern))
    return Invalid(absl::StrCat(Quoted(value),
                                " can never be granted: WARDEN_* variables "
                                "steer warden's own rustc wrapper"),
                   "remove the entry; a build script may not set WARDEN_* "
                   "variables in any mode");
  return absl::OkStatus();
}

absl::Status NetHint(std::string_view what) {
  return Invalid(what,
                 "write \"tcp:127.0.0.1:8080\", \"udp:[::1]:53\", "
                 "\"tcp:10.0.0.0/8:*\" or \"unix:/run/x.sock\"");
}

absl::StatusOr<uint32_t> ParsePortNumber(std::string_view s) {
  uint32_t port = 0;
  if (s.empty() || s.size() > 5 ||
      !std::all_of(s.begin(), s.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(absl::string_view(s.data(), s.size()), &port) ||
      port > 65535)
    return Invalid(absl::StrCat("bad port ", Quoted(s)),
                   "a port is a number 0-65535, a range \"8000-8099\" or '*'");
  return port;
}

absl::Status ParsePorts(std::string_view s, NetSpec& spec) {
  if (s == "*") {
    spec.port_lo = 0;
    spec.port_hi = 65535;
    return absl::OkStatus();
  }
  size_t dash = s.find('-');
  absl::StatusOr<uint32_t> lo = ParsePortNumber(s.substr(0, dash));
  if (!lo.ok()) return lo.status();
  absl::StatusOr<uint32_t> hi =
      dash == std::string_view::npos ? lo : ParsePortNumber(s.substr(dash + 1));
  if (!hi.ok()) return hi.status();
  if (*lo > *hi)
    return Invalid(absl::StrCat("empty port range ", Quoted(s)),
                   "write the lower port first, e.g. \"8000-8099\"");
  spec.port_lo = *lo;
  spec.port_hi = *hi;
  return absl::OkStatus();
}

absl::Status ParseHost(std::string_view host, int family, NetSpec& spec) {
  if (host == "*" && family == 4) {
    spec.any_host = true;
    spec.prefix = 0;
    return absl::OkStatus();
  }
  std::string_view address = host;
  std::string_view prefix;
  if (size_t slash = host.find('/'); slash != std::string_view::npos) {
    address = host.substr(0, slash);
    prefix = host.substr(slash + 1);
  }
  std::string text(address);
  spec.family = family;
  if (inet_pton(family == 4 ? AF_INET : AF_INET6, text.c_str(),
                spec.addr.data()) != 1) {
    if (family == 4 && address.find(':') != std::string_view::npos)
      return Invalid("IPv6 address without brackets",
                     "write IPv6 hosts in brackets: \"tcp:[::1]:8080\"");
    return Invalid(absl::StrCat("host ", Quoted(host),
                                " is not an IP address or '*'"),
                   "warden sees addresses, not names: write e.g. "
                   "\"tcp:127.0.0.1:8080\" or \"tcp:[::1]:8080\"");
  }
  int max_prefix = family == 4 ? 32 : 128;
  spec.prefix = max_prefix;
  if (prefix.data() == nullptr) return absl::OkStatus();
  int bits = -1;
  if (prefix.empty() || prefix.size() > 3 ||
      !std::all_of(prefix.begin(), prefix.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(absl::string_view(prefix.data(), prefix.size()),
                        &bits) ||
      bits > max_prefix)
    return Invalid(absl::StrCat("bad prefix length ", Quoted(prefix)),
                   absl::StrFormat("a prefix is 0-%d, e.g. \"%s\"", max_prefix,
                                   family == 4 ? "10.0.0.0/8" : "[fd00::]/8"));
  spec.prefix = bits;
  return absl::OkStatus();
}

absl::Status ParseInet(std::string_view rest, NetSpec& spec) {
  std::string_view host, ports;
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return NetHint("unclosed '['");
    std::string_view after = rest.substr(close + 1);
    size_t colon = after.find(':');
    if (colon == std::string_view::npos) return NetHint("missing port");
    std::string_view prefix = after.substr(0, colon);
    if (!prefix.empty() && prefix[0] != '/')
      return NetHint("unexpected text after ']'");
    host = rest.substr(1, close - 1);
    std::string with_prefix = absl::StrCat(
        absl::string_view(host.data(), host.size()),
        absl::string_view(prefix.data(), prefix.size()));
    if (absl::Status s = ParseHost(with_prefix, 6, spec); !s.ok()) return s;
    return ParsePorts(after.substr(colon + 1), spec);
  }
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) return NetHint("missing port");
  host = rest.substr(0, colon);
  ports = rest.substr(colon + 1);
  if (absl::Status s = ParseHost(host, 4, spec); !s.ok()) return s;
  return ParsePorts(ports, spec);
}

void UnmapIpv4(NetSpec& spec) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0,    0,
                                          0, 0, 0, 0, 0xff, 0xff};
  if (spec.family != 6 || std::memcmp(spec.addr.data(), kMapped, 12) != 0)
    return;
  std::array<uint8_t, 16> v4 = {};
  std::copy(spec.addr.begin() + 12, spec.addr.end(), v4.begin());
  spec.addr = v4;
  spec.family = 4;
  spec.prefix = 32;
}

}  // namespace

const std::string* VariableValue(const PathVars& vars, std::string_view name) {
  if (name == "out_dir") return &vars.out_dir;
  if (name == "manifest_dir") return &vars.manifest_dir;
  if (name == "target_dir") return &vars.target_dir;
  if (name == "workspace_root") return &vars.workspace_root;
  if (name == "home") return &vars.home;
  if (name == "cargo_home") return &vars.cargo_home;
  if (name == "rustup_home") return &vars.rustup_home;
  if (name == "tmp") return &vars.tmp;
  if (name == "sysroot") return &vars.sysroot;
  return nullptr;
}

absl::Status ValidateRule(RuleKind kind, std::string_view value) {
  switch (kind) {
    case RuleKind::kRead:
      return ValidatePathPattern(value, /*for_write=*/false);
    case RuleKind::kWrite:
      return ValidatePathPattern(value, /*for_write=*/true);
    case RuleKind::kExec:
      return ValidateProgram(value);
    case RuleKind::kConnect:
    case RuleKind::kBind:
      return ParseNetRule(value).status();
    case RuleKind::kEnv:
      return ValidateEnvName(value);
    case RuleKind::kDirective:
      return ValidateDirective(value);
  }
  return absl::OkStatus();
}

absl::Status ValidateCrateName(std::string_view name) {
  if (!IsKeyText(name))
    return Invalid(absl::StrCat("bad package name ", Quoted(name)),
                   "use the crate name from Cargo.toml, optionally with a "
                   "version requirement: \"ring@^0.16\"");
  return absl::OkStatus();
}

bool IsEnvNameStart(char c) { return absl::ascii_isalpha(c) || c == '_'; }

// Cargo and cc spell per-target variables with the target triple
// ("CC_x86_64-unknown-linux-gnu"), so '-' and '.' occur in real names.
bool IsEnvNameChar(char c) {
  return absl::ascii_isalnum(c) || c == '_' || c == '-' || c == '.';
}

std::optional<std::string> ExpandPath(std::string_view pattern,
                                      const PathVars& vars) {
  if (pattern.empty() || pattern[0] != '{') return NormalizePath(pattern);
  size_t close = pattern.find('}');
  if (close == std::string_view::npos) return std::nullopt;
  const std::string* value = VariableValue(vars, pattern.substr(1, close - 1));
  if (value == nullptr || value->empty()) return std::nullopt;
  std::string_view rest = pattern.substr(close + 1);
  return NormalizePath(
      absl::StrCat(*value, absl::string_view(rest.data(), rest.size())));
}

absl::StatusOr<NetSpec> ParseNetRule(std::string_view value) {
  NetSpec spec;
  size_t colon = value.find(':');
  std::string_view scheme = value.substr(0, colon);
  std::string_view rest =
      colon == std::string_view::npos ? std::string_view() : value.substr(colon + 1);
  if (scheme == "unix") {
    spec.scheme = NetScheme::kUnix;
    if (absl::Status s = ValidatePathPattern(rest, /*for_write=*/false);
        !s.ok())
      return s;
    spec.path = std::string(rest);
    return spec;
  }
  if (scheme == "tcp") {
    spec.scheme = NetScheme::kTcp;
  } else if (scheme == "udp") {
    spec.scheme = NetScheme::kUdp;
  } else {
    return Invalid(absl::StrCat("unknown network scheme in ", Quoted(value)),
                   "start with \"tcp:\", \"udp:\" or \"unix:\"");
  }
  if (absl::Status s = ParseInet(rest, spec); !s.ok()) return s;
  return spec;
}

std::optional<NetSpec> ParseNetTarget(std::string_view target) {
  if (target.substr(0, 5) == "unix:") {
    NetSpec spec;
    spec.scheme = NetScheme::kUnix;
    spec.path = std::string(target.substr(5));
    return spec;
  }
  absl::StatusOr<NetSpec> spec = ParseNetRule(target);
  if (!spec.ok() || spec->any_host || spec->port_lo != spec->port_hi ||
      spec->prefix != (spec->family == 4 ? 32 : 128))
    return std::nullopt;
  UnmapIpv4(*spec);
  return *spec;
}

bool HostInRule(const NetSpec& rule, const NetSpec& target) {
  if (rule.any_host) return true;
  if (rule.family != target.family) return false;
  int full = rule.prefix / 8;
  if (!std::equal(rule.addr.begin(), rule.addr.begin() + full,
                  target.addr.begin()))
    return false;
  int bits = rule.prefix % 8;
  if (bits == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - bits));
  return (rule.addr[full] & mask) == (target.addr[full] & mask);
}

std::string QuoteYaml(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          out += absl::StrFormat("\\x%02x", c);
        else
          out.push_back(static_cast<char>(c));
    }
  }
  out += "\"";
  return out;
}

std::string PatternRoot(std::string_view expanded) {
  size_t glob = expanded.find_first_of("*?");
  if (glob != std::string_view::npos)
    expanded = expanded.substr(0, expanded.rfind('/', glob));
  return expanded.empty() ? "/" : std::string(expanded);
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace warden::policy_internal
