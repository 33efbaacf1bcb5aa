// Contained learn (`cargo warden learn --contained`): learn with a fence
// around what no legitimate build script needs, so a compromised dependency
// cannot fetch or leak anything during the first learn. Everything else
// proceeds and is recorded as under learn.
//
// The fence, for a build script run with PathVars `vars`:
//  - network: no connect, bind or sendto to an inet or inet6 address (unix
//    sockets stay open: glibc asks nscd through one);
//  - reads: nothing under {home} outside the workspace, the package, the
//    target dir, {cargo_home}, {rustup_home}, {sysroot} and {tmp}; never
//    cargo's registry credentials. The rest of the machine (/usr, /etc,
//    /proc/self, /sys …) is readable as under learn;
//  - writes (creates, renames, links, metadata): only {out_dir}, the target
//    dir, {tmp} and /dev/shm (not a workspace that lies in {tmp}) and the
//    sinks every tool opens (/dev/null, /dev/tty …);
//  - exec: the system's programs (the floor's list, policy/floor.h), the
//    toolchain ({sysroot}, {rustup_home}, {cargo_home}/bin) and what the build
//    itself made or shipped ({out_dir}, the target dir, {tmp}, the package's
//    own sources: autotools' conftest, a crate's ./configure), which runs
//    under the same fence.
// A directory that holds all of {home} ({tmp} = /tmp, HOME=/tmp/u) opens
// nothing under {home}.
// What the existing policy grants the package passes the fence: a reviewed
// rule is how a maintainer lets a contained learn through. Refused reads
// under {home} fail with ENOENT, the rest with EACCES.
#ifndef WARDEN_POLICY_CONTAINED_H_
#define WARDEN_POLICY_CONTAINED_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/decider.h"
#include "policy/matcher.h"
#include "tracer/event.h"
#include "tracer/supervisor.h"

namespace warden {

// ContainmentReason says what of the fence `event` would cross ("network",
// "read under $HOME", …), or nullopt when it stays inside. Pure, so the
// learner asks it again about stored events (op, target, detail) instead of
// the database keeping a reason.
std::optional<std::string_view> ContainmentReason(const Event& event,
                                                  const PathVars& vars);

// ContainmentDenial is the reason a stored event was refused by the fence:
// nullopt when it was allowed, crossed no fence, or was refused as a write
// to warden's own files (`warden_files`, as LearnDecider protects them).
std::optional<std::string_view> ContainmentDenial(
    const Event& event, const PathVars& vars,
    const std::vector<std::string>& warden_files);

// ContainedLearnDecider is contained learn's Decider: LearnDecider's
// protection of `warden_files`, then the fence, except for what `granted`
// (the package's compiled existing policy, or null when there is none;
// it must outlive the decider) allows.
class ContainedLearnDecider : public Decider {
 public:
  ContainedLearnDecider(PathVars vars, std::vector<std::string> warden_files,
                        const PackagePolicy* granted);
  bool Decide(const Event& event, std::string_view requested) override;
  // Another process's /proc: its public statistics (OtherProcessPattern's
  // files, what ps reads) pass, the rest (cargo's environ holds tokens)
  // only where the existing policy could grant it.
  bool AllowsOtherProcess(const Event& event, std::string_view requested) override;
  // ENOENT for a read under $HOME, as if the home directory were empty
  // (git and libgit2 take a missing ~/.gitconfig for "no settings" but
  // abort on EACCES), and for hidden /proc reads; EACCES for the rest.
  int RefusalError(const Event& event) override;

 private:
  PathVars vars_;
  LearnDecider learn_;
  std::optional<PolicyDecider> granted_;
};

}  // namespace warden

#endif  // WARDEN_POLICY_CONTAINED_H_
