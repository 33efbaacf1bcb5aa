// Folding the patterns of the paths a build script touched (spelled by
// policy/pattern.h, variables put back) into a few globs. Private to the
// learner (learner.cc and diff.cc); not part of warden's public interface.
#ifndef WARDEN_LEARNER_GENERALIZE_H_
#define WARDEN_LEARNER_GENERALIZE_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>


namespace warden::learner_internal {

// Hits maps a rule value (a path pattern, a program, an address) to the number
// of accesses it stands for. Ordered, so everything built from it is sorted.
using Hits = std::map<std::string, uint64_t>;

// GroupPaths folds the paths of one access kind (with variables put back)
// into as few patterns as stays safe:
//  - anything under {out_dir} becomes "{out_dir}/**";
//  - mkstemp-style names in {tmp} ("ccAbC123.s") become "{tmp}/cc*";
//  - files of numbered siblings below /sys that differ in one component
//    become one pattern with '*' there
//    ("/sys/devices/system/cpu/cpu*/cpufreq/scaling_cur_freq");
//  - files in two or more subdirectories of a directory become "dir/**";
//  - four or more files with one extension in a directory become "dir/*.ext";
//  - while more than a dozen patterns remain, the deepest directory holding
//    two or more of them becomes "dir/**" or, when that covers more, the
//    entries at one depth below a software directory that may not be granted
//    whole become "dir/*" or "dir/*/*" (libclang's search walks
//    "/usr/lib/*/*").
// A "dir/**" is only written for a directory at least two components below
// the root (four below /sys: never "/sys/devices/**", which holds the
// machine's serial numbers) that is not a shared system root ("/usr/lib",
// "/etc/ssl" …), or
// below a variable other than {home}, {tmp} and {cargo_home}; paths in home
// directories ({home}, /home, /root) always stay exact. Counts of folded paths
// are added up.
Hits GroupPaths(const Hits& paths);

// GroupPrograms folds programs the build script runs from its own OUT_DIR
// (configure's conftest, generated helper scripts) into "{out_dir}/**" when
// there are two or more; other programs stay as they are.
Hits GroupPrograms(const Hits& programs);

// GroupInstallTrees grants an installation read as a whole as one tree: a
// program run from "P/bin", "P/sbin", "P/libexec" or "P/shims" makes P an
// installation (pyenv's "{home}/.pyenv", a toolchain under /opt), and when
// the build script read at least eight paths below P, `reads` and `programs`
// below it become "P/**". This is the one fold allowed in home directories
// (an interpreter and its library: ~120 stdlib files); P itself is never a
// home directory, {home}/.local, a variable alone, or a shared system root.
void GroupInstallTrees(Hits& reads, Hits& programs);

// Absorb moves every pattern of `rules` that a pattern of `by` covers into
// that pattern (adding its count to `by`) and returns the rest.
Hits Absorb(const Hits& rules, Hits& by);

}  // namespace warden::learner_internal

#endif  // WARDEN_LEARNER_GENERALIZE_H_
