// Private to tracer/: the Supervisor class that RunSupervised drives, split
// over supervisor.cc (loop, dispatch, decisions, RunSupervised), files.cc
// (paths, opens, name operations, exec) and network.cc (sockets); child.cc
// starts the confined child.
#ifndef WARDEN_TRACER_SUPERVISOR_INTERNAL_H_
#define WARDEN_TRACER_SUPERVISOR_INTERNAL_H_

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

#include "tracer/event.h"
#include "tracer/supervisor.h"
#include "tracer/tracee.h"
#include "tracer/unique_fd.h"

namespace warden::internal {

inline Event Ev(Op op, std::string target, std::string detail = "",
         bool allowed = true, int error = 0) {
  Event e;
  e.op = op;
  e.target = std::move(target);
  e.detail = std::move(detail);
  e.allowed = allowed;
  e.error = error;
  return e;
}

// Reply is how one notification is answered.
struct Reply {
  enum Kind { kContinue, kError, kValue, kAnswered } kind = kContinue;
  int64_t value = 0;  // errno for kError, return value for kValue
  static Reply Continue() { return {}; }
  static Reply Error(int err) { return {kError, err}; }
  static Reply Value(int64_t v) { return {kValue, v}; }
  static Reply Answered() { return {kAnswered, 0}; }
};

// A file-system object the supervisor has resolved for a request: either an
// existing object (fd is O_PATH on it) or a name in a directory (fd is the
// directory, name the last component). `path` is what decisions look at.
struct Resolved {
  UniqueFd fd;
  std::string name;
  std::string path;
  std::string requested;  // ResolveExisting: the name as given, absolute
  int error = 0;
};

// OpenCall is an open request as the tracee made it, with what the
// supervisor derives from its flags.
struct OpenCall {
  int dirfd = AT_FDCWD;
  std::string path;  // as ReadPath gave it
  int flags = 0;     // the tracee's
  mode_t mode = 0;
  bool cloexec = false, writing = false, create = false, exclusive = false;
  int open_flags = 0;  // what the supervisor opens an existing file with
};

// Result turns a libc return code into a reply.
inline Reply Result(long rc) {
  return rc >= 0 ? Reply::Value(rc) : Reply::Error(errno);
}

class Supervisor {
 public:
  Supervisor(const SandboxSpec& spec, Decider& decider, EventLog& log,
             int listener, pid_t child)
      : spec_(spec),
        decider_(decider),
        log_(log),
        listener_(listener),
        child_(child),
        self_(getpid()) {
    own_cpus_known_ = sched_getaffinity(0, sizeof own_cpus_, &own_cpus_) == 0;
    if (spec.kernel_rechecks_reads && spec.landlock.restrict_fs)
      kernel_reads_.insert(spec.landlock.read_paths.begin(),
                           spec.landlock.read_paths.end());
    if (spec.landlock.restrict_fs || spec.landlock.restrict_writes)
      kernel_writes_.insert(spec.landlock.output_paths.begin(),
                            spec.landlock.output_paths.end());
  }

  // Serve answers notifications until every process holding the filter has
  // exited, and returns the child's exit status.
  absl::StatusOr<int> Serve(uint64_t& notifications);
  // Costs is what Serve's answers cost, per syscall and answer.
  std::vector<CallCost> Costs() const;

 private:
  Reply Handle(const seccomp_notif& n);
  // The families Handle dispatches to; nullopt: not a call of the family.
  std::optional<Reply> FileCall(const seccomp_notif& n);
  std::optional<Reply> MetadataCall(const seccomp_notif& n);
  std::optional<Reply> SocketOrProcessCall(const seccomp_notif& n);

  Reply Open(const seccomp_notif& n, int dirfd, uint64_t path_ptr, int flags,
             mode_t mode);
  Reply OpenTmpfile(const seccomp_notif& n, const OpenCall& call);
  // `fd` is the existing file opened through `base` with call.open_flags,
  // `real` its path.
  Reply OpenExisting(const seccomp_notif& n, const OpenCall& call,
                     const UniqueFd& base, const UniqueFd& fd,
                     const std::string& real);
  // nullopt: someone else created the name first; open it as existing.
  std::optional<Reply> OpenCreate(const seccomp_notif& n, const OpenCall& call);
  Reply Exec(const seccomp_notif& n, int dirfd, uint64_t path_ptr,
             uint64_t argv_ptr, int flags);
  Reply NameOp(const seccomp_notif& n, Op op, int dirfd, uint64_t path_ptr,
               uint64_t arg);
  Reply Rename(const seccomp_notif& n, int olddir, uint64_t old_ptr,
               int newdir, uint64_t new_ptr, unsigned flags);
  Reply Link(const seccomp_notif& n, int olddir, uint64_t old_ptr, int newdir,
             uint64_t new_ptr, int flags);
  Reply Symlink(const seccomp_notif& n, uint64_t text_ptr, int newdir,
                uint64_t new_ptr);
  Reply MetaOp(const seccomp_notif& n, Op op, int dirfd, uint64_t path_ptr,
               bool nofollow);
  Reply FdMetaOp(const seccomp_notif& n, Op op, int fd);
  Reply Network(const seccomp_notif& n, Op op, int fd, uint64_t addr_ptr,
                socklen_t addr_len);
  Reply SendMsg(const seccomp_notif& n);
  Reply Socket(const seccomp_notif& n);
  Reply Signal(const seccomp_notif& n, pid_t target);
  // setpriority, ioprio_set, sched_set*, prlimit64 that the filter did not
  // allow as the caller's own: only the tree may be touched.
  Reply Scheduling(const seccomp_notif& n);
  Reply SchedulingPid(const seccomp_notif& n, pid_t target);
  Reply OtherProcess(const seccomp_notif& n, std::string detail);
  Reply Ioctl(const seccomp_notif& n);
  Reply Unknown(const seccomp_notif& n);

  // Resolution of the tracee's names, with its cwd or dirfd.
  std::optional<std::string> ReadPath(const seccomp_notif& n, uint64_t ptr,
                                      int& error);
  UniqueFd BaseFd(const seccomp_notif& n, int dirfd, const std::string& path,
                  int& error);
  Resolved ResolveExisting(const seccomp_notif& n, int dirfd,
                           const std::string& path, bool nofollow);
  Resolved ResolveParent(const seccomp_notif& n, int dirfd,
                         const std::string& path);
  // ThroughOwnSelf says whether `real`, the path of what opening `path`
  // (with `base`) reached, is this supervisor's own /proc/<pid> reached
  // through a "self" symlink (/proc/mounts → self/mounts), and if so sets
  // `path` to the tracee's /proc/<tid> counterpart to open instead.
  bool ThroughOwnSelf(const std::string& real, const UniqueFd& base,
                      pid_t tid, std::string& path) const;
  // Requested names `path` as an absolute path, resolved lexically against
  // `base` (the tracee's dirfd or cwd as BaseFd gave it).
  static std::string Requested(const UniqueFd& base, const std::string& path);

  // KernelReads says whether the kernel may read `path` (canonical) by the
  // rules of an exact plan (SandboxSpec::kernel_rechecks_reads): it or a
  // directory above it is a rule.
  bool KernelReads(std::string_view path) const;
  // KernelWrites says whether the kernel confines writes itself and lets the
  // tree write or create `path` (canonical): it or a directory above it is
  // one of the plan's output_paths. Then an allowed write is answered
  // CONTINUE.
  bool KernelWrites(std::string_view path) const;
  // RuleMoved forgets the exact plan's rules, or the write rules, once
  // `path`, just removed or renamed, is one of them or lies above one: a
  // rule holds the object, not the name, so what is created there next is
  // not covered.
  void RuleMoved(std::string_view path);
  // KernelCannotRun names what running `program` needs the kernel to read
  // that the exact plan does not grant (the program, what ExecLoads lists),
  // "" when nothing: the kernel would fail the exec with EACCES.
  std::string KernelCannotRun(const std::string& program) const;

  // Decide asks the Decider (after warden's own checks), sets
  // event.allowed, and records the event if it was denied.
  bool Decide(const seccomp_notif& n, Event& event, std::string_view requested);
  // Refused is the answer to an event Decide refused: EACCES, or the error
  // the Decider chose for it.
  static Reply Refused(const Event& event) {
    return Reply::Error(event.error != 0 ? event.error : EACCES);
  }
  // Finish records an allowed event with the outcome of `reply` and
  // returns it: the log says what really happened (EEXIST of mkdir -p).
  Reply Finish(Event& event, Reply reply) {
    event.error = reply.kind == Reply::kError ? static_cast<int>(reply.value) : 0;
    Record(event);
    return reply;
  }
  bool InTree(pid_t pid) const {
    return pid != self_ && IsDescendant(pid, self_);
  }
  // Outsider says whether `path` lies in /proc/<pid> of a process outside
  // the sandboxed tree (not `n`'s caller, not one of its tree).
  bool Outsider(const seccomp_notif& n, std::string_view path) const {
    const pid_t pid = ProcPid(path);
    return pid != 0 && pid != static_cast<pid_t>(n.pid) && !InTree(pid);
  }
  void Record(Event event) { log_.Add(event); }
  bool StillValid(const seccomp_notif& n) const {
    __u64 id = n.id;
    return ioctl(listener_, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
  }
  // SendFd installs `fd` in the caller and answers with its number.
  Reply SendFd(const seccomp_notif& n, int fd, bool cloexec);
  void Respond(const seccomp_notif& n, const Reply& reply);
  void KillDescendants();

  const SandboxSpec& spec_;
  Decider& decider_;
  EventLog& log_;
  int listener_;
  pid_t child_;
  pid_t self_;
  cpu_set_t own_cpus_;  // the supervisor's CPU mask, restored after SendFd
  bool own_cpus_known_ = false;
  bool first_exec_seen_ = false;
  absl::flat_hash_set<std::string> kernel_reads_;  // an exact plan's rules
  absl::flat_hash_set<std::string> kernel_writes_;  // the plan's output_paths
  // (syscall number, answer) -> (calls, nanoseconds)
  absl::flat_hash_map<std::pair<int, Reply::Kind>, std::pair<uint64_t, uint64_t>>
      costs_;
};

}  // namespace warden::internal

#endif  // WARDEN_TRACER_SUPERVISOR_INTERNAL_H_
