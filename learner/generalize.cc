#include "learner/generalize.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <functional>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <vector>

#include "policy/matcher.h"
#include "policy/path.h"

namespace warden::learner_internal {
namespace {

constexpr std::string_view kOutDir = "{out_dir}";
constexpr std::string_view kOutDirTree = "{out_dir}/**";
constexpr std::string_view kTmp = "{tmp}";

// More patterns than this for one access kind are folded by directory.
constexpr size_t kMaxPatterns = 12;
// Files of one extension in one directory before "dir/*.ext" is written.
constexpr size_t kMinFilesPerExtension = 4;
// Subdirectories holding files before their parent becomes "dir/**".
constexpr size_t kMinSubdirsPerTree = 2;
// Deepest fixed-depth listing written ("dir/*/*").
constexpr size_t kMaxListingDepth = 2;
// mkstemp replaces "XXXXXX": the random tail of a temporary name.
constexpr size_t kRandomTailLength = 6;

// Directories two components below the root that still hold unrelated
// software, other users' data or private keys: never granted whole.
constexpr std::array<std::string_view, 11> kSharedSystemDirs = {
    "/dev/shm",   "/etc/ssh",   "/etc/ssl",     "/usr/lib",
    "/usr/lib32", "/usr/lib64", "/usr/libexec", "/usr/local",
    "/usr/share", "/var/lib",   "/var/tmp",
};

// Roots of installed software, public and free of secrets: what cannot be
// granted whole below them may still be listed level by level.
constexpr std::array<std::string_view, 7> kSoftwareRoots = {
    "/bin", "/lib", "/lib32", "/lib64", "/opt", "/sbin", "/usr"};

// Home directories: what is read there is named file by file, whether the
// path got {home} back or belongs to another user.
constexpr std::array<std::string_view, 3> kHomes = {"{home}", "/home", "/root"};

// Variable roots whose files are never globbed together: scratch space shared
// with every other program, and the directory holding registry credentials.
constexpr std::array<std::string_view, 2> kSharedVarRoots = {"{tmp}",
                                                             "{cargo_home}"};

template <typename Container>
bool Contains(const Container& c, std::string_view value) {
  return std::find(c.begin(), c.end(), value) != c.end();
}

bool HasGlob(std::string_view s) {
  return s.find_first_of("*?") != std::string_view::npos;
}

// LiteralDir is the directory part of a pattern before its first glob:
// "/usr/include/openssl/*.h" → "/usr/include/openssl", "/a/b.h" → "/a".
std::string_view LiteralDir(std::string_view pattern) {
  const std::string_view literal =
      pattern.substr(0, pattern.find_first_of("*?"));
  if (!literal.ends_with('/')) return Dirname(literal);
  return literal.size() == 1 ? literal : literal.substr(0, literal.size() - 1);
}

// CanGlobFilesIn says whether files of `dir` may be named by a pattern
// ("dir/*.h") rather than one by one.
bool CanGlobFilesIn(std::string_view dir) {
  return !dir.empty() && dir != "/" && !Contains(kSharedVarRoots, dir) &&
         std::none_of(kHomes.begin(), kHomes.end(), [&](std::string_view home) {
           return IsUnder(dir, home);
         });
}

// The kernel's object trees: each CPU, device and queue is a numbered
// sibling (cpu0, cpu1 …), and the machine's serial numbers lie among them
// (/sys/firmware/dmi, a disk's device/serial).
constexpr std::string_view kSysfs = "/sys";
// A tree below kSysfs starts this deep or deeper ("/sys/devices/system/cpu"):
// "/sys/devices/**" and "/sys/class/**" cover every device of the machine.
constexpr size_t kMinSysfsTreeDepth = 4;

// CanGlobTree says whether "dir/**" may be granted.
bool CanGlobTree(std::string_view dir) {
  if (!CanGlobFilesIn(dir)) return false;
  if (dir.starts_with('{')) return true;
  const size_t depth = std::count(dir.begin(), dir.end(), '/');
  if (IsUnder(dir, kSysfs) && depth < kMinSysfsTreeDepth) return false;
  return depth >= 2 && !Contains(kSharedSystemDirs, dir);
}

// TreeStart is where a pattern's grant starts: an exact path itself, a
// glob's literal directory ("/a/*.h" → "/a").
std::string_view TreeStart(std::string_view pattern) {
  return HasGlob(pattern) ? LiteralDir(pattern) : pattern;
}

// CoversGlob says, component by component, whether `pattern` allows all
// that the glob `value` names: "**" covers the rest, "*" any one component
// but "**", anything else only the same text.
bool CoversGlob(std::string_view pattern, std::string_view value) {
  if (pattern.starts_with('/') != value.starts_with('/')) return false;
  const std::vector<std::string_view> p = SplitPath(pattern);
  const std::vector<std::string_view> v = SplitPath(value);
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] == "**") return true;
    if (i >= v.size() || v[i] == "**" || (p[i] != "*" && p[i] != v[i])) {
      return false;
    }
  }
  return p.size() == v.size();
}

// Covers says whether `pattern` allows everything `value` names. An exact
// value is matched as a path (variables as literal text, both rooted to look
// absolute); a glob value must be covered component by component, as
// matching it as a path would read its '*' as a file name.
bool Covers(std::string_view pattern, std::string_view value) {
  if (pattern == value) return true;
  if (!HasGlob(pattern)) return false;
  if (HasGlob(value)) return CoversGlob(pattern, value);
  auto rooted = [](std::string_view s) {
    return s.starts_with('{') ? "/" + std::string(s) : std::string(s);
  };
  return GlobMatch(rooted(pattern), rooted(value));
}

// Rename replaces each value of `hits` by `rename(value)`, adding up the
// counts of values that end up equal.
template <typename F>
Hits Rename(const Hits& hits, F rename) {
  Hits out;
  for (const auto& [value, count] : hits) out[rename(value)] += count;
  return out;
}

std::string FoldOutDir(const std::string& path) {
  return IsUnder(path, kOutDir) ? std::string(kOutDirTree) : path;
}

using NameSplit = std::pair<std::string_view, std::string_view>;

// SplitTail splits `s` into a non-empty prefix and a 6-character
// alphanumeric tail.
std::optional<NameSplit> SplitTail(std::string_view s) {
  if (s.size() <= kRandomTailLength) return std::nullopt;
  const std::string_view tail = s.substr(s.size() - kRandomTailLength);
  if (!std::all_of(tail.begin(), tail.end(),
                   [](unsigned char c) { return std::isalnum(c); })) {
    return std::nullopt;
  }
  return NameSplit(s.substr(0, s.size() - kRandomTailLength), tail);
}

// SplitMkstempName splits a temporary name into its fixed prefix and the
// 6 characters mkstemp filled in, which end the stem (the name before its
// first extension) or else the whole name: "ccAbC123.s" → ("cc", "AbC123"),
// "sh-thd.Xy12Zq" → ("sh-thd.", "Xy12Zq").
std::optional<NameSplit> SplitMkstempName(std::string_view name) {
  const auto in_stem = SplitTail(name.substr(0, name.find('.', 1)));
  return in_stem ? in_stem : SplitTail(name);
}

// LooksRandom says whether a tail mixes lower case, upper case and digits
// the way mkstemp's do, unlike a word ("output").
bool LooksRandom(std::string_view tail) {
  bool lower = false, upper = false, digit = false;
  for (const unsigned char c : tail) {
    lower = lower || std::islower(c);
    upper = upper || std::isupper(c);
    digit = digit || std::isdigit(c);
  }
  return lower + upper + digit >= 2;
}

// TmpEntry is the first component below {tmp} of a path, or "".
std::string_view TmpEntry(std::string_view path) {
  if (!IsUnder(path, kTmp) || path.size() == kTmp.size()) return {};
  const std::string_view rel = path.substr(kTmp.size() + 1);
  return rel.substr(0, rel.find('/'));
}

// GroupTmpNames turns temporary names in {tmp} into "{tmp}/PREFIX*" (and
// "{tmp}/PREFIX*/**" for what lies inside such a directory). A prefix counts
// once one name with it has a random-looking tail; then every name with that
// prefix and an alphanumeric tail joins, even an unlucky "ccabcdef.s".
Hits GroupTmpNames(const Hits& hits) {
  std::set<std::string_view> prefixes;
  for (const auto& [path, count] : hits) {
    if (HasGlob(path)) continue;
    const auto split = SplitMkstempName(TmpEntry(path));
    if (split && LooksRandom(split->second)) prefixes.insert(split->first);
  }
  return Rename(hits, [&](const std::string& path) {
    const std::string_view entry = TmpEntry(path);
    const auto split = SplitMkstempName(entry);
    if (HasGlob(path) || !split || !prefixes.contains(split->first)) {
      return path;
    }
    const bool inside = path.size() > kTmp.size() + 1 + entry.size();
    return std::string(kTmp) + "/" + std::string(split->first) + "*" +
           (inside ? "/**" : "");
  });
}

// SiblingGlob is one component pattern for the names of numbered siblings:
// their common start and end around '*' ({"cpu0", "cpu12"} → "cpu*").
std::string SiblingGlob(const std::set<std::string_view>& names) {
  const std::string_view first = *names.begin();
  size_t prefix = first.size(), suffix = first.size();
  for (std::string_view name : names) {
    size_t p = 0;
    while (p < prefix && p < name.size() && name[p] == first[p]) ++p;
    prefix = p;
    size_t q = 0;
    while (q < suffix && q < name.size() &&
           name[name.size() - 1 - q] == first[first.size() - 1 - q])
      ++q;
    suffix = q;
  }
  const size_t shortest = std::min_element(names.begin(), names.end(),
                                           [](std::string_view a, std::string_view b) {
                                             return a.size() < b.size();
                                           })->size();
  if (prefix + suffix > shortest) suffix = shortest - prefix;
  return std::string(first.substr(0, prefix)) + "*" +
         std::string(first.substr(first.size() - suffix));
}

// GroupSysfsSiblings names the files of numbered siblings below kSysfs by
// one pattern each: paths that differ in one literal component only, below
// "/sys/<tree>/", get '*' for that component's varying part
// ("/sys/devices/system/cpu/cpu*/cpufreq/scaling_cur_freq"), no broader
// than the siblings read. A path in several such groups joins the largest
// (the deeper component on a tie); repeated until nothing changes, so each
// interface's "statistics/*s" become one "net/*/statistics/*s".
Hits GroupSysfsSiblings(Hits hits) {
  // A group: the path with component `index` left out, and that index.
  using Group = std::pair<std::string, size_t>;
  auto group_of = [](const std::vector<std::string_view>& parts, size_t index) {
    std::string key;
    for (size_t i = 0; i < parts.size(); ++i)
      key += "/" + std::string(i == index ? std::string_view() : parts[i]);
    return Group(std::move(key), index);
  };
  for (;;) {
    std::map<Group, std::set<std::string_view>> groups;
    for (const auto& [path, count] : hits) {
      if (!IsUnder(path, kSysfs)) continue;
      const std::vector<std::string_view> parts = SplitPath(path);
      for (size_t i = 2; i < parts.size(); ++i)
        if (!HasGlob(parts[i])) groups[group_of(parts, i)].insert(parts[i]);
    }
    Hits next = Rename(hits, [&](const std::string& path) {
      if (!IsUnder(path, kSysfs)) return path;
      const std::vector<std::string_view> parts = SplitPath(path);
      const std::set<std::string_view>* best = nullptr;
      size_t best_index = 0;
      for (size_t i = 2; i < parts.size(); ++i) {
        if (HasGlob(parts[i])) continue;
        const std::set<std::string_view>& names = groups.at(group_of(parts, i));
        if (names.size() >= 2 && (!best || names.size() >= best->size())) {
          best = &names;
          best_index = i;
        }
      }
      if (!best) return path;
      std::string pattern;
      for (size_t i = 0; i < parts.size(); ++i)
        pattern += "/" + (i == best_index ? SiblingGlob(*best) : std::string(parts[i]));
      return pattern;
    });
    if (next == hits) return hits;
    hits = std::move(next);
  }
}

// GroupSpreadTrees turns the files below a directory whose files lie in two
// or more of its subdirectories into "dir/**", taking the shallowest such
// directory that may be granted whole.
Hits GroupSpreadTrees(const Hits& hits) {
  std::map<std::string_view, std::set<std::string_view>> subdirs;
  for (const auto& [path, count] : hits) {
    if (HasGlob(path)) continue;
    for (std::string_view sub = Dirname(path); !Dirname(sub).empty();
         sub = Dirname(sub)) {
      subdirs[Dirname(sub)].insert(Basename(sub));
    }
  }
  return Rename(hits, [&](const std::string& path) {
    if (HasGlob(path)) return path;
    std::string tree = path;
    for (std::string_view dir = Dirname(path); !dir.empty();
         dir = Dirname(dir)) {
      const auto it = subdirs.find(dir);
      if (it != subdirs.end() && it->second.size() >= kMinSubdirsPerTree &&
          CanGlobTree(dir)) {
        tree = std::string(dir) + "/**";
      }
    }
    return tree;
  });
}

// Extension is what follows the last '.' of a file name, "" for none or for a
// dot file without one (".gitconfig").
std::string_view Extension(std::string_view name) {
  const size_t dot = name.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? std::string_view()
                                                   : name.substr(dot + 1);
}

// GroupExtensions turns four or more files with one extension in one
// directory into "dir/*.ext".
Hits GroupExtensions(const Hits& hits) {
  using DirExt = std::pair<std::string_view, std::string_view>;
  auto key = [](std::string_view path) {
    return DirExt(Dirname(path), Extension(Basename(path)));
  };
  std::map<DirExt, size_t> files;
  for (const auto& [path, count] : hits) {
    if (!HasGlob(path)) ++files[key(path)];
  }
  return Rename(hits, [&](const std::string& path) {
    if (HasGlob(path)) return path;
    const auto [dir, ext] = key(path);
    if (ext.empty() || files.at(key(path)) < kMinFilesPerExtension ||
        !CanGlobFilesIn(dir)) {
      return path;
    }
    return std::string(dir) + "/*." + std::string(ext);
  });
}

// FindCoverer returns the count of the first pattern of `by` that covers
// `value`, or nullptr.
uint64_t* FindCoverer(Hits& by, std::string_view value) {
  for (auto& [pattern, count] : by) {
    if (Covers(pattern, value)) return &count;
  }
  return nullptr;
}

// Broadest follows `value` up to the broadest pattern of `hits` that covers
// it, or returns it when none does.
std::string Broadest(const Hits& hits, std::string value) {
  for (bool widened = true; widened;) {
    widened = false;
    for (const auto& [pattern, count] : hits) {
      if (pattern != value && Covers(pattern, value) &&
          !Covers(value, pattern)) {
        value = pattern;
        widened = true;
        break;
      }
    }
  }
  return value;
}

// Dedupe folds every pattern covered by another one into the broadest.
Hits Dedupe(const Hits& hits) {
  return Rename(
      hits, [&](const std::string& value) { return Broadest(hits, value); });
}

// Fold is one further grouping step: `pattern` replaces the `count`
// patterns for which `covers` holds.
struct Fold {
  std::string pattern;
  std::function<bool(std::string_view)> covers;
  size_t count = 0;
};

size_t Depth(std::string_view path) {
  return std::count(path.begin(), path.end(), '/');
}

// NarrowestTree is the "dir/**" of the deepest directory covering at least
// two patterns (the one covering most on a tie): each such fold widens the
// grant as little as possible.
std::optional<Fold> NarrowestTree(const Hits& hits) {
  std::map<std::string_view, size_t> covered;
  for (const auto& [pattern, count] : hits) {
    for (std::string_view dir = TreeStart(pattern); !dir.empty();
         dir = Dirname(dir)) {
      if (CanGlobTree(dir)) ++covered[dir];
    }
  }
  std::optional<Fold> best;
  std::string_view best_dir;
  for (const auto& [dir, count] : covered) {
    if (count >= 2 &&
        (!best || std::make_pair(Depth(dir), count) >
                      std::make_pair(Depth(best_dir), best->count))) {
      best_dir = dir;
      best = Fold{std::string(dir) + "/**",
                  [dir = std::string(dir)](std::string_view pattern) {
                    return IsUnder(TreeStart(pattern), dir);
                  },
                  count};
    }
  }
  return best;
}

// CanList says whether entries at a fixed depth below `dir` may be granted
// together ("/usr/lib/*", "/usr/lib/*/*"): for system software directories
// that may not be granted whole, which a search such as libclang's walks
// level by level.
bool CanList(std::string_view dir) {
  return !CanGlobTree(dir) && CanGlobFilesIn(dir) &&
         std::any_of(kSoftwareRoots.begin(), kSoftwareRoots.end(),
                     [&](std::string_view root) { return IsUnder(dir, root); });
}

// WidestListing is the "dir/*" or "dir/*/*" covering the most exact paths
// (at least two; the shallower listing, then the deeper directory, on a tie).
std::optional<Fold> WidestListing(const Hits& hits) {
  using DirDepth = std::pair<std::string_view, size_t>;
  std::map<DirDepth, size_t> covered;
  for (const auto& [path, count] : hits) {
    if (HasGlob(path)) continue;
    std::string_view dir = Dirname(path);
    for (size_t below = 1; below <= kMaxListingDepth && !dir.empty();
         ++below, dir = Dirname(dir)) {
      if (CanList(dir)) ++covered[{dir, below}];
    }
  }
  std::optional<Fold> best;
  DirDepth best_at;
  auto score = [](const DirDepth& at, size_t count) {
    return std::make_tuple(count, -static_cast<int>(at.second),
                           Depth(at.first));
  };
  for (const auto& [at, count] : covered) {
    if (count < 2 ||
        (best && score(at, count) <= score(best_at, best->count))) {
      continue;
    }
    best_at = at;
    std::string pattern(at.first);
    for (size_t i = 0; i < at.second; ++i) pattern += "/*";
    best = Fold{std::move(pattern),
                [dir = std::string(at.first),
                 depth = Depth(at.first) + at.second](std::string_view path) {
                  return !HasGlob(path) && IsUnder(path, dir) &&
                         Depth(path) == depth;
                },
                count};
  }
  return best;
}

// NextFold picks the listing when it covers more than the narrowest tree.
std::optional<Fold> NextFold(const Hits& hits) {
  std::optional<Fold> tree = NarrowestTree(hits);
  std::optional<Fold> listing = WidestListing(hits);
  if (listing && (!tree || listing->count > tree->count)) return listing;
  return tree;
}

Hits Apply(const Hits& hits, const Fold& fold) {
  return Rename(hits, [&](const std::string& pattern) {
    return fold.covers(pattern) ? fold.pattern : pattern;
  });
}

}  // namespace

namespace {

// Directories an installation keeps its programs in.
constexpr std::array<std::string_view, 4> kProgramDirs = {"bin", "libexec",
                                                          "sbin", "shims"};
// Distinct paths read below an installation before it is granted whole.
constexpr size_t kMinInstallReads = 8;
// Below a home directory, trees of every program's data: never whole.
constexpr std::array<std::string_view, 2> kUserDataDirs = {"{home}/.local",
                                                           "{home}/.config"};

// CanGrantInstall says whether the installation `prefix` may be "prefix/**".
bool CanGrantInstall(std::string_view prefix) {
  if (prefix.empty() || prefix == "/" || HasGlob(prefix) ||
      Contains(kHomes, prefix) || Dirname(prefix) == "/home" ||
      Contains(kSharedVarRoots, prefix) || Contains(kSoftwareRoots, prefix) ||
      Contains(kSharedSystemDirs, prefix) || Contains(kUserDataDirs, prefix))
    return false;
  if (prefix.starts_with('{')) return prefix.find('/') != std::string_view::npos;
  return std::count(prefix.begin(), prefix.end(), '/') >= 2;
}

// InstallPrefix is P for a program at "P/bin/x" (see kProgramDirs), or "".
std::string_view InstallPrefix(std::string_view program) {
  const std::string_view dir = Dirname(program);
  if (HasGlob(program) || !Contains(kProgramDirs, Basename(dir))) return "";
  return Dirname(dir);
}

// FoldUnder replaces the values of `hits` below `prefix` by "prefix/**".
void FoldUnder(Hits& hits, const std::string& prefix) {
  uint64_t folded = 0;
  for (auto it = hits.begin(); it != hits.end();) {
    if (IsUnder(it->first, prefix)) {
      folded += it->second;
      it = hits.erase(it);
    } else {
      ++it;
    }
  }
  if (folded > 0) hits[prefix + "/**"] += folded;
}

}  // namespace

void GroupInstallTrees(Hits& reads, Hits& programs) {
  std::set<std::string> prefixes;
  for (const auto& [program, count] : programs) {
    const std::string_view prefix = InstallPrefix(program);
    if (CanGrantInstall(prefix)) prefixes.emplace(prefix);
  }
  for (const std::string& prefix : prefixes) {
    // The outermost installation only: pyenv's own tree holds its pythons.
    if (std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) {
          return p != prefix && IsUnder(prefix, p);
        }))
      continue;
    const size_t below = std::count_if(reads.begin(), reads.end(), [&](const auto& r) {
      return IsUnder(r.first, prefix);
    });
    if (below < kMinInstallReads) continue;
    FoldUnder(reads, prefix);
    FoldUnder(programs, prefix);
  }
}

Hits GroupPaths(const Hits& paths) {
  Hits hits = Rename(paths, FoldOutDir);
  hits = GroupTmpNames(hits);
  hits = GroupSysfsSiblings(hits);
  hits = GroupSpreadTrees(hits);
  hits = GroupExtensions(hits);
  hits = Dedupe(hits);
  while (hits.size() > kMaxPatterns) {
    const std::optional<Fold> fold = NextFold(hits);
    if (!fold) break;
    hits = Apply(hits, *fold);
  }
  return Dedupe(hits);
}

Hits Absorb(const Hits& rules, Hits& by) {
  Hits rest;
  for (const auto& [value, count] : rules) {
    if (uint64_t* coverer = FindCoverer(by, value)) {
      *coverer += count;
    } else {
      rest[value] = count;
    }
  }
  return rest;
}

Hits GroupPrograms(const Hits& programs) {
  constexpr std::string_view kOutDir = "{out_dir}";
  Hits grouped;
  Hits in_out_dir;
  for (const auto& [program, count] : programs)
    (IsUnder(program, kOutDir) ? in_out_dir : grouped)[program] += count;
  if (in_out_dir.size() < 2) {
    grouped.insert(in_out_dir.begin(), in_out_dir.end());
    return grouped;
  }
  uint64_t& folded = grouped[std::string(kOutDir) + "/**"];
  for (const auto& [program, count] : in_out_dir) folded += count;
  return grouped;
}

}  // namespace warden::learner_internal
