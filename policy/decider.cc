#include "policy/decider.h"

#include <cerrno>

#include "policy/override.h"
#include "policy/pattern.h"

namespace warden {

bool WritesWardenFile(const Event& event,
                      const std::vector<std::string>& warden_files) {
  if (AccessOf(event.op) != Access::kWrite) return false;
  for (const std::string& path : warden_files) {
    for (const std::string& name : {event.target, event.detail}) {
      if (name.size() >= path.size() && name.compare(0, path.size(), path) == 0)
        return true;
    }
  }
  return false;
}

bool LearnDecider::Decide(const Event& event, std::string_view) {
  return !WritesWardenFile(event, protected_);
}

std::vector<std::string> WardenFiles(const std::string& db_path,
                                     const std::string& policy_path) {
  return {db_path, policy_path, OverridePath(policy_path)};
}

bool PolicyDecider::AllowsOtherProcess(const Event& event,
                                       std::string_view requested) {
  if (event.op != Op::kRead) return false;
  const std::optional<std::string> pattern = OtherProcessPattern(event.target);
  if (!pattern || (requested != event.target &&
                   OtherProcessPattern(requested) != pattern))
    return false;
  return policy_.Allows(Access::kRead, *pattern) != nullptr;
}

bool Hidden(const Event& event) {
  return !event.allowed && event.op == Op::kRead &&
         event.detail == kOtherProcess && !OtherProcessPattern(event.target);
}

int PolicyDecider::RefusalError(const Event& event) {
  return Hidden(event) ? ENOENT : EACCES;
}

bool PolicyDecider::Decide(const Event& event, std::string_view requested) {
  Access access = AccessOf(event.op);
  if (access == Access::kNone) return false;
  if (policy_.Allows(access, event.target, requested) == nullptr) return false;
  // Renames and hard links touch a second name, which must be writable too.
  if ((event.op == Op::kRename || event.op == Op::kLink) &&
      policy_.Allows(Access::kWrite, event.detail) == nullptr)
    return false;
  return true;
}

}  // namespace warden
