// The Deciders that put a policy in front of the supervisor (tracer/): it
// asks once per request, they answer from the policy alone.
#ifndef WARDEN_POLICY_DECIDER_H_
#define WARDEN_POLICY_DECIDER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/matcher.h"
#include "tracer/event.h"
#include "tracer/supervisor.h"

namespace warden {

// PolicyDecider answers the supervisor from a compiled package policy, which
// must outlive it.
class PolicyDecider : public Decider {
 public:
  explicit PolicyDecider(const PackagePolicy& policy) : policy_(policy) {}
  bool Decide(const Event& event, std::string_view requested) override;
  // Allows the OtherProcessPattern files, for a read the policy grants by
  // that very pattern (a "/proc/self/…" rule, which matches any pid, does
  // not count).
  bool AllowsOtherProcess(const Event& event, std::string_view requested) override;
  // ENOENT for what Hidden says, EACCES for the rest.
  int RefusalError(const Event& event) override;

 private:
  const PackagePolicy& policy_;
};

// Hidden says whether refused `event` is a read of another process's /proc
// that no policy line can grant (its environ, cmdline, fd/, mem: all but
// OtherProcessPattern's files). Enforce answers it ENOENT, as a kernel with
// /proc mounted hidepid=invisible would (the process is not there, which
// sysinfo and ps-like code tolerate), and reports it as hidden, not as a
// denial that fails the run: no line could have allowed it.
bool Hidden(const Event& event);

// LearnDecider is learn mode: everything proceeds and is recorded, except
// writes to warden's own files (the database and the policy files), which no
// legitimate build script makes and a hostile one would use to hide.
class LearnDecider : public Decider {
 public:
  explicit LearnDecider(std::vector<std::string> protected_paths)
      : protected_(std::move(protected_paths)) {}
  bool Decide(const Event& event, std::string_view requested) override;

 private:
  std::vector<std::string> protected_;
};

// WritesWardenFile says whether `event` writes one of `warden_files` (or a
// name they prefix) by either of its names: what LearnDecider refuses.
bool WritesWardenFile(const Event& event,
                      const std::vector<std::string>& warden_files);

// WardenFiles are what LearnDecider protects: the database at `db_path`
// with its -wal and -shm files (a prefix covers them), and the policy file
// with its override file.
std::vector<std::string> WardenFiles(const std::string& db_path,
                                     const std::string& policy_path);

}  // namespace warden

#endif  // WARDEN_POLICY_DECIDER_H_
