// Spelling what a build script touched as rule values: the one place that
// knows how a concrete path, program or address becomes a pattern of
// warden.yaml. Used by the learner (proposals) and the matcher (the rule a
// denial report suggests), so both write the same rule for one access.
//
// The way back is ExpandPath (policy/syntax.h): for every path P that
// PathToPattern spells, ExpandPath(PathToPattern(P)) is a valid pattern that
// GlobMatch-es P and no path differing from P in a character the pattern
// kept (tests/policy_pattern_test.cc checks it over awkward paths).
#ifndef WARDEN_POLICY_PATTERN_H_
#define WARDEN_POLICY_PATTERN_H_

#include <optional>
#include <string>
#include <string_view>

#include "policy/matcher.h"

namespace warden {

// ProcPidLength is the length of a leading "/proc/<digits>" component pair,
// or 0. GlobMatch reads "/proc/self" in a pattern as any such pid (the
// supervisor vouches for it), so PathToPattern writes it back as self.
size_t ProcPidLength(std::string_view path);

// OtherProcessPattern is the rule that may grant `path` when it lies in
// /proc/<pid> of a process outside the build ("/proc/17/stat" →
// "/proc/*/stat"): only the process statistics any user's `ps` reads (stat,
// statm, status), never environ, cmdline, fd/, maps or mem. nullopt for the
// rest, which no line can allow.
std::optional<std::string> OtherProcessPattern(std::string_view path);

// VariablePrefix is the variable that stands for the start of a path:
// `braced` ("{out_dir}") replaces the first `length` characters. Empty and 0
// when no variable does.
struct VariablePrefix {
  std::string braced;
  size_t length = 0;
};

// FindVariablePrefix picks the variable whose (normalised, non-root) value is
// the longest whole-component prefix of `path`; on equal values the order of
// kVariableNames (policy/syntax.h) decides.
VariablePrefix FindVariablePrefix(std::string_view path, const PathVars& vars);

// PathToPattern writes an absolute path as a pattern matching just it:
// normalised, "/proc/<pid>" as "/proc/self", the leading variable put back
// ("/t/debug/build/x-1/out/a.rs" → "{out_dir}/a.rs"). Characters a pattern
// cannot spell literally ('*', '?', '{', '}', bytes that are not UTF-8, the
// last character of a "." or ".." component) become '?', which matches any
// one byte. For kExec a bare variable ends in '/' ("{tmp}/"), as without
// one it would read as a program name. nullopt for relative paths and the
// root, which no rule may name.
std::optional<std::string> PathToPattern(std::string_view path,
                                         const PathVars& vars,
                                         Access access = Access::kRead);

// ProgramToPattern is how an exec grant names `program`: by name when it lies
// in one of vars.path_dirs (so $PATH found it: "/usr/bin/cc" → "cc", with
// blanks too as '?'), else as PathToPattern.
std::optional<std::string> ProgramToPattern(std::string_view program,
                                            const PathVars& vars);

// NetTargetToPattern is the connect/bind rule for an Event::target address:
// "unix:" paths as PathToPattern, IP addresses as they are. nullopt for a
// socket no rule can name (abstract "unix:@…").
std::optional<std::string> NetTargetToPattern(std::string_view target,
                                              const PathVars& vars);

// EnvNameToPattern is how an `env:` grant names a variable: as itself when
// the grammar (policy/syntax.h) can spell it (target triples included:
// "CC_x86_64-unknown-linux-gnu"), else a glob on its longest spellable prefix
// ("A$B" → "A*"); nullopt when no prefix is spellable.
std::optional<std::string> EnvNameToPattern(std::string_view name);

}  // namespace warden

#endif  // WARDEN_POLICY_PATTERN_H_
