// The warden.yaml model: what each package's build script may do.
//
// A Policy is plain data: LoadPolicy (policy/yaml.h) builds one from text,
// SavePolicy writes one back, CompilePackagePolicy (policy/matcher.h) turns the
// entry for one package into a matcher the supervisor can query.
#ifndef WARDEN_POLICY_POLICY_H_
#define WARDEN_POLICY_POLICY_H_

#include <map>
#include <string>
#include <vector>

namespace warden {

// Where a rule came from in its file, for diagnostics ("warden.yaml:12:7").
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based; 0 when the rule was not read from a file
  int column = 0;  // 1-based
};

// Rule is one grant: a path pattern, a program, a network endpoint or an
// environment variable name, with an optional human reason kept through
// rewrites and an optional generated comment (e.g. "12 accesses").
//
// Path patterns are absolute after variable expansion. Variables:
// {out_dir} {manifest_dir} {target_dir} {workspace_root} {home} {cargo_home}
// {rustup_home} {tmp} {sysroot}. Globs: '*' matches within one path component,
// '**' matches any number of components, '?' one character.
// Exec entries without '/' name a program found through $PATH ("cc").
// Network entries: "tcp:HOST[/PREFIX]:PORT[-PORT]", "udp:…", "unix:/path" with
// IPv6 hosts in brackets ("tcp:[::1]:8080", "tcp:127.0.0.0/8:*").
struct Rule {
  std::string value;
  std::string reason;
  std::string comment;
  SourceLocation where;
};

// PackageEntry is the permission set for one package's build script.
struct PackageEntry {
  std::string name;          // crate name as Cargo.toml spells it
  std::string version_req;   // semver requirement, "" = any version
  std::string source;        // "", "registry", "path" or "git"
  std::vector<std::string> profiles;  // names of shipped profiles
  std::vector<Rule> read;
  std::vector<Rule> write;   // implies read
  std::vector<Rule> exec;
  std::vector<Rule> connect;
  std::vector<Rule> bind;
  std::vector<Rule> env;     // environment variable names (globs allowed)
  std::vector<Rule> directives;  // allowed "cargo:" directive keys (globs)
  std::string reason;
  std::string comment;
  SourceLocation where;
};

// Policy is a whole warden.yaml (or its override file).
struct Policy {
  int version = 1;
  PackageEntry defaults;  // applies to every package, mentioned or not
  // What rustc, proc macros, the linker, test binaries and nested cargo may
  // read, write, run or reach beyond warden's floor (policy/floor.h). Only
  // read, write, exec, connect and bind are used.
  PackageEntry compile;
  std::vector<PackageEntry> packages;
};

}  // namespace warden

#endif  // WARDEN_POLICY_POLICY_H_
