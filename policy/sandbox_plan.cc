#include "policy/sandbox_plan.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <set>
#include <string_view>
#include <vector>

#include "policy/path.h"
#include "policy/syntax.h"

namespace warden {

LandlockPlan BuildScriptPlan(const PackagePolicy* policy,
                             const std::string& program, int landlock_abi) {
  LandlockPlan plan;
  plan.scope = landlock_abi >= 6;
  if (policy == nullptr) return plan;  // learn: observe, don't confine files
  plan.restrict_fs = true;
  plan.read_paths = policy->Roots(Access::kRead);
  for (const std::string& p : policy->Roots(Access::kExec))
    plan.read_paths.push_back(p);
  plan.read_paths.push_back(program);
  plan.write_paths = policy->Roots(Access::kWrite);
  // TCP: with no network grant at all, the kernel refuses every port too.
  plan.restrict_tcp = landlock_abi >= 4 &&
                      policy->Roots(Access::kConnect).empty() &&
                      policy->Roots(Access::kBind).empty();
  return plan;
}

namespace {

// Overlaps says whether a write rule on `dir` (canonical) would let the
// kernel write a name `protected_path` covers: the file and the names it
// prefixes (the database's -wal and -shm), or with a trailing '/' the whole
// directory. A relative path could be anywhere: it overlaps everything.
bool Overlaps(const std::string& dir, const std::string& protected_path) {
  if (!protected_path.starts_with('/')) return true;
  const bool whole_dir = protected_path.ends_with('/');
  std::string raw(whole_dir ? std::string_view(protected_path).substr(
                                  0, protected_path.size() - 1)
                            : Dirname(protected_path));
  if (raw.empty()) raw = "/";
  // The file may not exist yet; its directory does.
  const std::string parent = RealPath(raw).value_or(raw);
  if (IsUnder(parent, dir)) return true;
  if (!IsUnder(dir, parent)) return false;
  if (whole_dir) return true;
  std::string_view below = std::string_view(dir).substr(parent.size());
  below.remove_prefix(below.starts_with('/') ? 1 : 0);
  return below.substr(0, below.find('/')).starts_with(Basename(protected_path));
}

}  // namespace

void ConfineLearnWrites(LandlockPlan& plan, const std::vector<std::string>& outputs,
                        const std::vector<std::string>& protected_paths,
                        int landlock_abi) {
  if (landlock_abi < 1 || plan.restrict_fs) return;
  for (const std::string& output : outputs) {
    struct stat st;
    std::optional<std::string> dir;
    if (output.empty() || !(dir = RealPath(output, &st)) || !S_ISDIR(st.st_mode))
      continue;
    if (std::none_of(protected_paths.begin(), protected_paths.end(),
                     [&](const std::string& p) { return Overlaps(*dir, p); }))
      plan.output_paths.push_back(*dir);
  }
  plan.restrict_writes = !plan.output_paths.empty();
}

namespace {

// A glob expanding to more files than this is left to the supervisor: each
// file is a rule the child adds before it starts.
constexpr size_t kMaxGlobFiles = 256;

// Interpreters a script run by the build script is likely to name in "#!";
// granted to the kernel when the policy lets them be read.
constexpr const char* kCommonInterpreters[] = {
    "/bin/sh", "/bin/bash", "/bin/dash", "/usr/bin/env", "/usr/bin/perl",
    "/usr/bin/python3"};

bool HasGlob(std::string_view pattern) {
  return pattern.find_first_of("*?") != std::string_view::npos;
}

// Per-process and device files: their objects change under one name, and a
// rule would follow the supervisor's own /proc/self.
bool KernelMade(std::string_view path) {
  return IsUnder(path, "/proc") || IsUnder(path, "/sys") || IsUnder(path, "/dev");
}

struct Found {
  std::string path;  // symlinks resolved
  bool dir = false;
};

std::optional<Found> Canonical(const std::string& path) {
  struct stat st;
  std::optional<std::string> real = RealPath(path, &st);
  if (!real) return std::nullopt;
  return Found{std::move(*real), S_ISDIR(st.st_mode)};
}

// Planner collects the rules of an exact plan.
class Planner {
 public:
  explicit Planner(const PackagePolicy& policy) : policy_(policy) {}

  // AddRead grants what a read pattern grants exactly; the rest stays with
  // the supervisor.
  void AddRead(const std::string& pattern) {
    if (KernelMade(pattern)) return;
    if (!HasGlob(pattern)) {
      if (std::optional<Found> f = Canonical(pattern); f && !f->dir)
        AddFile(*f);
      return;
    }
    if (std::optional<std::string> tree = TreeOf(pattern)) {
      // The tree must be canonical: the policy names what lies below it by
      // this path, and the supervisor decides on resolved paths.
      std::optional<Found> f = Canonical(*tree);
      if (f && f->dir && f->path == *tree && !KernelMade(f->path))
        trees_.insert(f->path);
      else if (f && !f->dir)
        AddFile(*f);
      return;
    }
    if (std::optional<std::vector<Found>> files = GlobFiles(pattern))
      for (const Found& f : *files) AddFile(f);
  }

  // AddWrite lets the kernel write below a write pattern's canonical tree;
  // the rest stays with the supervisor.
  void AddWrite(const std::string& pattern) {
    std::optional<std::string> tree = TreeOf(pattern);
    if (!tree || KernelMade(*tree)) return;
    if (std::optional<Found> f = Canonical(*tree); f && f->dir && f->path == *tree)
      output_trees_.insert(f->path);
  }

  // AddExec grants the kernel what running the programs of an exec pattern
  // needs; false when it cannot be granted exactly. Programs that do not
  // exist need nothing.
  bool AddExec(const std::string& pattern,
               const std::vector<std::string>& path_dirs) {
    if (pattern.find('/') == std::string::npos)
      return AddExecName(pattern, path_dirs);
    if (!HasGlob(pattern)) {
      std::optional<Found> f = Canonical(pattern);
      return !f || f->dir || AddProgram(*f);
    }
    if (std::optional<std::string> tree = TreeOf(pattern)) {
      std::optional<Found> f = Canonical(*tree);
      if (!f) return true;
      return f->dir ? Covered(f->path) : AddProgram(*f);
    }
    if (std::optional<std::vector<Found>> files = GlobFiles(pattern)) {
      return std::all_of(files->begin(), files->end(),
                         [this](const Found& f) { return AddProgram(f); });
    }
    std::optional<Found> root = Canonical(policy_internal::PatternRoot(pattern));
    return !root || Covered(root->path);
  }

  // AddExecName: running `name` runs what $PATH finds first, which must be
  // granted; the same name elsewhere in $PATH only if the policy lets the
  // kernel read it (run by its full path, the supervisor reports it).
  bool AddExecName(const std::string& name,
                   const std::vector<std::string>& path_dirs) {
    bool found = false;
    for (const std::string& dir : path_dirs) {
      const std::string pattern = dir + "/" + name;
      std::vector<Found> programs;
      if (!HasGlob(name)) {
        std::optional<Found> f = Canonical(pattern);
        if (f && !f->dir) programs.push_back(*f);
      } else if (std::optional<std::vector<Found>> files = GlobFiles(pattern)) {
        programs = *files;
      } else {
        return false;
      }
      for (const Found& program : programs)
        if (!AddProgram(program) && !found) return false;
      found = found || !programs.empty();
    }
    return true;
  }

  bool AddProgram(const Found& f) {
    if (Covered(f.path)) return true;
    if (KernelMade(f.path) || !Readable(f.path)) return false;
    AddFile(f);
    for (const std::string& loaded : ExecLoads(f.path)) AddOptional(loaded);
    return true;
  }

  // AddOptional grants a file the policy lets read; skips any other.
  void AddOptional(const std::string& path) {
    if (std::optional<Found> f = Canonical(path); f && !f->dir) AddFile(*f);
  }

  std::vector<std::string> Outputs() const {
    return {output_trees_.begin(), output_trees_.end()};
  }

  std::vector<std::string> Rules() const {
    std::vector<std::string> rules(trees_.begin(), trees_.end());
    for (const std::string& file : files_)
      if (!Covered(file)) rules.push_back(file);
    return rules;
  }

 private:
  bool Readable(const std::string& path) const {
    return policy_.Allows(Access::kRead, path) != nullptr;
  }

  bool Covered(const std::string& path) const {
    return std::any_of(trees_.begin(), trees_.end(), [&](const std::string& t) {
      return IsUnder(path, t);
    });
  }

  void AddFile(const Found& f) {
    if (!KernelMade(f.path) && Readable(f.path)) files_.insert(f.path);
  }

  // TreeOf is X for "X/**" with X literal.
  static std::optional<std::string> TreeOf(std::string_view pattern) {
    if (!pattern.ends_with("/**")) return std::nullopt;
    std::string_view tree = pattern.substr(0, pattern.size() - 3);
    if (tree.empty() || HasGlob(tree)) return std::nullopt;
    return std::string(tree);
  }

  // GlobFiles lists the files (not directories) a pattern whose only glob
  // is its last component matches now; nullopt for other patterns and when
  // they are too many.
  static std::optional<std::vector<Found>> GlobFiles(std::string_view pattern) {
    std::string dir(Dirname(pattern));
    std::string_view last = Basename(pattern);
    if (dir.empty() || HasGlob(dir) || last == "**") return std::nullopt;
    std::unique_ptr<DIR, int (*)(DIR*)> d(opendir(dir.c_str()), closedir);
    std::vector<Found> files;
    if (d == nullptr) return files;
    // Names first: resolving a name costs syscalls, and past the limit
    // none of them is used.
    std::vector<std::string> matches;
    while (dirent* e = readdir(d.get())) {
      std::string path = dir + "/" + e->d_name;
      if (e->d_name[0] == '.' && (e->d_name[1] == 0 || !strcmp(e->d_name, "..")))
        continue;
      if (!GlobMatch(pattern, path)) continue;
      if (matches.size() == kMaxGlobFiles) return std::nullopt;
      matches.push_back(std::move(path));
    }
    for (const std::string& path : matches)
      if (std::optional<Found> f = Canonical(path); f && !f->dir)
        files.push_back(*f);
    return files;
  }

  const PackagePolicy& policy_;
  std::set<std::string> trees_;
  std::set<std::string> files_;
  std::set<std::string> output_trees_;
};

}  // namespace

std::optional<LandlockPlan> ExactBuildScriptPlan(
    const PackagePolicy& policy, const std::string& program,
    const std::vector<std::string>& path_dirs, int landlock_abi) {
  Planner planner(policy);
  for (const std::string& pattern : policy.Patterns(Access::kRead))
    planner.AddRead(pattern);
  std::optional<Found> self = Canonical(program);
  if (!self || !planner.AddProgram(*self)) return std::nullopt;
  for (const std::string& pattern : policy.Patterns(Access::kExec))
    if (!planner.AddExec(pattern, path_dirs)) return std::nullopt;
  for (const char* interpreter : kCommonInterpreters)
    planner.AddOptional(interpreter);
  for (const std::string& pattern : policy.Patterns(Access::kWrite))
    planner.AddWrite(pattern);
  LandlockPlan plan = BuildScriptPlan(&policy, program, landlock_abi);
  plan.read_paths = planner.Rules();
  plan.write_paths.clear();
  plan.output_paths = planner.Outputs();
  return plan;
}

}  // namespace warden
