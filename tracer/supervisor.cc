#include "tracer/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tracer/filter.h"
#include "tracer/tracee.h"
#include "tracer/unique_fd.h"

namespace warden {

// ---------------------------------------------------------------------------
// EventLog

void EventLog::Add(const Event& event) {
  Key key{event.op, event.target, event.detail, event.allowed, event.error};
  auto [it, inserted] = index_.try_emplace(std::move(key), order_.size());
  if (inserted) {
    order_.push_back(event);
  } else {
    order_[it->second].count += event.count;
  }
}

std::vector<Event> EventLog::Events() const { return order_; }

namespace {

Event Ev(Op op, std::string target, std::string detail = "",
         bool allowed = true, int error = 0) {
  Event e;
  e.op = op;
  e.target = std::move(target);
  e.detail = std::move(detail);
  e.allowed = allowed;
  e.error = error;
  return e;
}

// Newer than Debian 12's 6.1 headers.
constexpr unsigned long kNotifSetFlags = SECCOMP_IOW(4, __u64);
constexpr __u64 kSyncWakeUp = 1;  // SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 6.6

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

std::string SockaddrString(const sockaddr_storage& sa, socklen_t len,
                           int type) {
  const char* proto = type == SOCK_STREAM ? "tcp" : "udp";
  char host[INET6_ADDRSTRLEN] = "";
  if (sa.ss_family == AF_INET) {
    const auto& in = reinterpret_cast<const sockaddr_in&>(sa);
    inet_ntop(AF_INET, &in.sin_addr, host, sizeof host);
    return absl::StrCat(proto, ":", host, ":", ntohs(in.sin_port));
  }
  if (sa.ss_family == AF_INET6) {
    const auto& in6 = reinterpret_cast<const sockaddr_in6&>(sa);
    inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof host);
    return absl::StrCat(proto, ":[", host, "]:", ntohs(in6.sin6_port));
  }
  if (sa.ss_family == AF_UNIX) {
    const auto& un = reinterpret_cast<const sockaddr_un&>(sa);
    size_t n = len > offsetof(sockaddr_un, sun_path)
                   ? len - offsetof(sockaddr_un, sun_path)
                   : 0;
    if (n == 0) return "unix:";
    if (un.sun_path[0] == '\0')
      return absl::StrCat("unix:@", std::string(un.sun_path + 1, n - 1));
    return absl::StrCat("unix:", std::string(un.sun_path, strnlen(un.sun_path, n)));
  }
  return absl::StrCat("family", sa.ss_family, ":");
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
        self_(getpid()) {}

  // Serve answers notifications until every process holding the filter has
  // exited, and returns the child's exit status.
  absl::StatusOr<int> Serve(uint64_t& notifications);

 private:
  Reply Handle(const seccomp_notif& n);

  Reply Open(const seccomp_notif& n, int dirfd, uint64_t path_ptr, int flags,
             mode_t mode);
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
  // Requested names `path` as an absolute path, resolved lexically against
  // `base` (the tracee's dirfd or cwd as BaseFd gave it).
  static std::string Requested(const UniqueFd& base, const std::string& path);

  // Decide asks the Decider (after warden's own checks), sets
  // event.allowed, and records the event if it was denied.
  bool Decide(const seccomp_notif& n, Event& event, std::string_view requested);
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
  void Record(Event event) { log_.Add(event); }
  bool StillValid(const seccomp_notif& n) const {
    __u64 id = n.id;
    return ioctl(listener_, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
  }
  Reply SendFd(const seccomp_notif& n, int fd, bool cloexec);
  void Respond(const seccomp_notif& n, const Reply& reply);
  void KillDescendants();

  const SandboxSpec& spec_;
  Decider& decider_;
  EventLog& log_;
  int listener_;
  pid_t child_;
  pid_t self_;
  bool first_exec_seen_ = false;
};

// ---------------------------------------------------------------------------
// The loop

absl::StatusOr<int> Supervisor::Serve(uint64_t& notifications) {
  UniqueFd child_fd(static_cast<int>(syscall(SYS_pidfd_open, child_, 0)));
  if (!child_fd.valid())
    return absl::InternalError(absl::StrCat("pidfd_open: ", strerror(errno)));
  int status = -1;
  bool child_done = false;
  for (;;) {
    pollfd fds[2] = {{listener_, POLLIN, 0}, {child_fd.get(), POLLIN, 0}};
    int nfds = child_done ? 1 : 2;
    if (poll(fds, nfds, -1) < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(absl::StrCat("poll: ", strerror(errno)));
    }
    if (fds[0].revents & POLLIN) {
      seccomp_notif req;
      // The kernel rejects a receive buffer that is not zeroed.
      memset(&req, 0, sizeof req);
      if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0) {
        ++notifications;
        Reply reply = Handle(req);
        if (reply.kind != Reply::kAnswered) Respond(req, reply);
      }
      continue;
    }
    if (!child_done && (fds[1].revents & POLLIN)) {
      int raw;
      if (waitpid(child_, &raw, 0) == child_) {
        status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
      }
      child_done = true;
      // The build script is over: whatever it left behind (daemons, double
      // forks, setsid) dies with it.
      KillDescendants();
      continue;
    }
    if (fds[0].revents & (POLLHUP | POLLERR)) break;
  }
  if (!child_done) {
    int raw;
    if (waitpid(child_, &raw, 0) == child_)
      status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  }
  KillDescendants();
  return status;
}

void Supervisor::KillDescendants() {
  // As a child subreaper, every orphan of the tree is our child.
  for (int round = 0; round < 100; ++round) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", self_, self_);
    FILE* f = fopen(path, "re");
    bool any = false;
    if (f != nullptr) {
      int pid;
      while (fscanf(f, "%d", &pid) == 1) {
        kill(pid, SIGKILL);
        any = true;
      }
      fclose(f);
    }
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (!any) return;
    usleep(1000);
  }
}

void Supervisor::Respond(const seccomp_notif& n, const Reply& reply) {
  seccomp_notif_resp resp;
  memset(&resp, 0, sizeof resp);
  resp.id = n.id;
  switch (reply.kind) {
    case Reply::kContinue:
      resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      break;
    case Reply::kError:
      resp.error = -static_cast<int32_t>(reply.value);
      break;
    case Reply::kValue:
      resp.val = reply.value;
      break;
    case Reply::kAnswered:
      return;
  }
  // ENOENT: the caller died or was interrupted meanwhile; nothing to do.
  ioctl(listener_, SECCOMP_IOCTL_NOTIF_SEND, &resp);
}

Reply Supervisor::SendFd(const seccomp_notif& n, int fd, bool cloexec) {
  seccomp_notif_addfd addfd;
  memset(&addfd, 0, sizeof addfd);
  addfd.id = n.id;
  addfd.flags = SECCOMP_ADDFD_FLAG_SEND;  // install and answer atomically
  addfd.srcfd = static_cast<__u32>(fd);
  addfd.newfd_flags = cloexec ? O_CLOEXEC : 0;
  if (ioctl(listener_, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) < 0 &&
      errno != ENOENT)
    return Reply::Error(errno);
  return Reply::Answered();
}

// ---------------------------------------------------------------------------
// Dispatch

Reply Supervisor::Handle(const seccomp_notif& n) {
  const auto& a = n.data.args;
  auto fd = [&a](int i) { return static_cast<int>(a[i]); };
  switch (n.data.nr) {
    case SYS_open:
      return Open(n, AT_FDCWD, a[0], fd(1), static_cast<mode_t>(a[2]));
    case SYS_openat:
      return Open(n, fd(0), a[1], fd(2), static_cast<mode_t>(a[3]));
    case SYS_creat:
      return Open(n, AT_FDCWD, a[0], O_CREAT | O_WRONLY | O_TRUNC,
                  static_cast<mode_t>(a[1]));
    case SYS_execve:
      return Exec(n, AT_FDCWD, a[0], a[1], 0);
    case SYS_execveat:
      return Exec(n, fd(0), a[1], a[2], fd(4));
    case SYS_unlink:
      return NameOp(n, Op::kUnlink, AT_FDCWD, a[0], 0);
    case SYS_unlinkat:
      return NameOp(n, (a[2] & AT_REMOVEDIR) ? Op::kRmdir : Op::kUnlink,
                    fd(0), a[1], 0);
    case SYS_rmdir:
      return NameOp(n, Op::kRmdir, AT_FDCWD, a[0], 0);
    case SYS_mkdir:
      return NameOp(n, Op::kMkdir, AT_FDCWD, a[0], a[1]);
    case SYS_mkdirat:
      return NameOp(n, Op::kMkdir, fd(0), a[1], a[2]);
    case SYS_mknod:
      return NameOp(n, Op::kCreate, AT_FDCWD, a[0], a[1]);
    case SYS_mknodat:
      return NameOp(n, Op::kCreate, fd(0), a[1], a[2]);
    case SYS_rename:
      return Rename(n, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
    case SYS_renameat:
      return Rename(n, fd(0), a[1], fd(2), a[3], 0);
    case SYS_renameat2:
      return Rename(n, fd(0), a[1], fd(2), a[3], static_cast<unsigned>(a[4]));
    case SYS_link:
      return Link(n, AT_FDCWD, a[0], AT_FDCWD, a[1], 0);
    case SYS_linkat:
      return Link(n, fd(0), a[1], fd(2), a[3], fd(4));
    case SYS_symlink:
      return Symlink(n, a[0], AT_FDCWD, a[1]);
    case SYS_symlinkat:
      return Symlink(n, a[0], fd(1), a[2]);
    case SYS_chmod:
      return MetaOp(n, Op::kChmod, AT_FDCWD, a[0], false);
    case SYS_fchmodat:
      return MetaOp(n, Op::kChmod, fd(0), a[1], false);
    case SYS_chown:
      return MetaOp(n, Op::kChown, AT_FDCWD, a[0], false);
    case SYS_lchown:
      return MetaOp(n, Op::kChown, AT_FDCWD, a[0], true);
    case SYS_fchownat:
      return MetaOp(n, Op::kChown, fd(0), a[1],
                    (a[4] & AT_SYMLINK_NOFOLLOW) != 0);
    case SYS_truncate:
      return MetaOp(n, Op::kTruncate, AT_FDCWD, a[0], false);
    case SYS_utime:
    case SYS_utimes:
      return MetaOp(n, Op::kChmod, AT_FDCWD, a[0], false);
    case SYS_futimesat:
      return MetaOp(n, Op::kChmod, fd(0), a[1], false);
    case SYS_utimensat:
      if (a[1] == 0) return FdMetaOp(n, Op::kChmod, fd(0));
      return MetaOp(n, Op::kChmod, fd(0), a[1],
                    (a[3] & AT_SYMLINK_NOFOLLOW) != 0);
    case SYS_setxattr:
    case SYS_removexattr:
      return MetaOp(n, Op::kChmod, AT_FDCWD, a[0], false);
    case SYS_lsetxattr:
    case SYS_lremovexattr:
      return MetaOp(n, Op::kChmod, AT_FDCWD, a[0], true);
    case SYS_fchmod:
    case SYS_fsetxattr:
    case SYS_fremovexattr:
      return FdMetaOp(n, Op::kChmod, fd(0));
    case SYS_fchown:
      return FdMetaOp(n, Op::kChown, fd(0));
    case SYS_connect:
      return Network(n, Op::kConnect, fd(0), a[1],
                     static_cast<socklen_t>(a[2]));
    case SYS_bind:
      return Network(n, Op::kBind, fd(0), a[1], static_cast<socklen_t>(a[2]));
    case SYS_sendto:
      return Network(n, Op::kConnect, fd(0), a[4],
                     static_cast<socklen_t>(a[5]));
    case SYS_sendmsg:
    case SYS_sendmmsg:
      return SendMsg(n);
    case SYS_socket:
      return Socket(n);
    case SYS_ioctl:
      return Ioctl(n);
    case SYS_kill:
    case SYS_rt_sigqueueinfo:
      return Signal(n, static_cast<pid_t>(a[0]));
    case SYS_tkill:
      return Signal(n, static_cast<pid_t>(a[0]));
    case SYS_tgkill:
    case SYS_rt_tgsigqueueinfo:
      return Signal(n, static_cast<pid_t>(a[0]));
    default:
      return Unknown(n);
  }
}

// ---------------------------------------------------------------------------
// Resolution

std::optional<std::string> Supervisor::ReadPath(const seccomp_notif& n,
                                                uint64_t ptr, int& error) {
  std::optional<std::string> path = ReadString(n.pid, ptr, PATH_MAX);
  if (!path) {
    error = errno == ENAMETOOLONG ? ENAMETOOLONG : EFAULT;
    return std::nullopt;
  }
  // The tid could have died and been reused while we read its memory.
  if (!StillValid(n)) {
    error = ESRCH;
    return std::nullopt;
  }
  if (path->empty()) {
    error = ENOENT;
    return std::nullopt;
  }
  *path = RewriteSelf(*path, n.pid);
  return path;
}

UniqueFd Supervisor::BaseFd(const seccomp_notif& n, int dirfd,
                            const std::string& path, int& error) {
  if (!path.empty() && path[0] == '/') return UniqueFd();  // AT_FDCWD unused
  UniqueFd base = dirfd == AT_FDCWD ? OpenCwd(n.pid) : TakeFd(n.pid, dirfd);
  if (!base.valid()) error = dirfd == AT_FDCWD ? ENOENT : EBADF;
  return base;
}

std::string Supervisor::Requested(const UniqueFd& base,
                                  const std::string& path) {
  if (!path.empty() && path[0] == '/') return JoinPath("/", path);
  return JoinPath(base.valid() ? FdPath(base.get()) : "/", path);
}

Resolved Supervisor::ResolveExisting(const seccomp_notif& n, int dirfd,
                                     const std::string& path, bool nofollow) {
  Resolved r;
  UniqueFd base = BaseFd(n, dirfd, path, r.error);
  if (r.error != 0) return r;
  int flags = O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0);
  r.fd.reset(openat(base.valid() ? base.get() : AT_FDCWD, path.c_str(), flags));
  if (!r.fd.valid()) {
    r.error = errno;
    r.path = Requested(base, path);
    return r;
  }
  r.path = FdPath(r.fd.get());
  r.requested = Requested(base, path);
  return r;
}

Resolved Supervisor::ResolveParent(const seccomp_notif& n, int dirfd,
                                   const std::string& path) {
  Resolved r;
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  size_t slash = trimmed.rfind('/');
  std::string dir = slash == std::string::npos ? "."
                    : slash == 0               ? "/"
                                               : trimmed.substr(0, slash);
  r.name = slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
  UniqueFd base = BaseFd(n, dirfd, dir, r.error);
  if (r.error != 0) return r;
  r.fd.reset(openat(base.valid() ? base.get() : AT_FDCWD, dir.c_str(),
                    O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!r.fd.valid()) {
    r.error = errno;
    r.path = Requested(base, path);
    return r;
  }
  r.path = JoinPath(FdPath(r.fd.get()), r.name);
  return r;
}

bool Supervisor::Decide(const seccomp_notif& n, Event& event,
                        std::string_view requested) {
  bool allowed;
  // /proc/N of a process outside the sandboxed tree (cargo's environ holds
  // tokens; the supervisor's fds hold the database) is never granted,
  // whatever the policy says about /proc/self.
  // Both names count: /proc/<pid>/fd/N, cwd, root and exe lead out of
  // /proc, to objects the outsider holds (deleted files, unreachable names).
  auto outside = [&](pid_t pid) {
    return pid != 0 && pid != static_cast<pid_t>(n.pid) && !InTree(pid);
  };
  if (outside(ProcPid(event.target)) || outside(ProcPid(requested))) {
    allowed = !spec_.enforce;
  } else {
    // Learn mode's Decider allows all but warden's own files.
    allowed = decider_.Decide(event, requested);
  }
  event.allowed = allowed;
  if (!allowed) Record(event);
  return allowed;
}

// Exists says whether the name a Resolved parent points at is taken.
bool Exists(const Resolved& r) {
  struct stat st;
  return !r.name.empty() &&
         fstatat(r.fd.get(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

// Result turns a libc return code into a reply.
Reply Result(long rc) { return rc >= 0 ? Reply::Value(rc) : Reply::Error(errno); }

// RestoreFlags drops the O_NONBLOCK the supervisor opened with, unless the
// tracee asked for it; F_SETFL sets exactly these status flags.
void RestoreFlags(int fd, int flags) {
  if (flags & O_NONBLOCK) return;
  fcntl(fd, F_SETFL, flags & (O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME));
}

// ---------------------------------------------------------------------------
// Files

Reply Supervisor::Open(const seccomp_notif& n, int dirfd, uint64_t path_ptr,
                       int flags, mode_t mode) {
  int error = 0;
  std::optional<std::string> path = ReadPath(n, path_ptr, error);
  if (!path) return Reply::Error(error);
  // O_PATH grants no access to data; every later use of the fd is trapped.
  // Continuing is safe whatever the path becomes.
  if (flags & O_PATH) return Reply::Continue();

  const bool cloexec = flags & O_CLOEXEC;
  const bool writing = (flags & O_ACCMODE) != O_RDONLY;
  const bool create = flags & O_CREAT;
  const bool exclusive = create && (flags & O_EXCL);
  const bool tmpfile = (flags & O_TMPFILE) == O_TMPFILE;
  // FIFOs would block the supervisor: open non-blocking, restore after.
  const int open_flags =
      (flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC)) | O_CLOEXEC |
      O_NOCTTY | O_NONBLOCK;

  if (tmpfile) {
    Resolved dir = ResolveExisting(n, dirfd, *path, false);
    if (dir.error != 0) return Reply::Error(dir.error);
    Event event = Ev(Op::kCreate, dir.path, "O_TMPFILE");
    if (!Decide(n, event, dir.path)) return Reply::Error(EACCES);
    UniqueFd fd(openat(dir.fd.get(), ".", (flags & ~O_CLOEXEC) | O_CLOEXEC,
                       mode & ~Umask(n.pid)));
    if (!fd.valid()) return Finish(event, Reply::Error(errno));
    return Finish(event, SendFd(n, fd.get(), cloexec));
  }

  for (int attempt = 0; attempt < 4; ++attempt) {
    UniqueFd base = BaseFd(n, dirfd, *path, error);
    if (error != 0) return Reply::Error(error);
    int at = base.valid() ? base.get() : AT_FDCWD;
    UniqueFd fd(openat(at, path->c_str(), open_flags));
    if (fd.valid()) {
      if (exclusive) return Reply::Error(EEXIST);
      std::string real = FdPath(fd.get());
      std::string requested = Requested(base, *path);
      // /dev/tty opened here is the supervisor's controlling terminal (the
      // user's), not the tracee's: the sandboxed tree runs in a session of
      // its own without one, so answer as the kernel would answer it.
      if (real == "/dev/tty") {
        Record(Ev(writing ? Op::kWrite : Op::kRead, real,
                  "the supervisor's terminal", false, ENXIO));
        return Reply::Error(ENXIO);
      }
      // Re-opening a pipe or socket the tree already holds through
      // /proc/<pid>/fd/N (cargo's jobserver) names no file: allowed.
      bool held_object = real.empty() || real[0] != '/';
      // A held object's name ("pipe:[266279]") changes every run: keep its
      // kind only, so logs and learned policies stay the same.
      Event event = Ev(writing ? Op::kWrite : Op::kRead,
                       held_object ? real.substr(0, real.find('[')) : real);
      if (held_object && !InTree(ProcPid(requested)) &&
          ProcPid(requested) != static_cast<pid_t>(n.pid)) {
        event.allowed = !spec_.enforce;
        Record(event);
        if (spec_.enforce) return Reply::Error(EACCES);
      } else if (!held_object && !Decide(n, event, requested)) {
        return Reply::Error(EACCES);
      }
      if ((flags & O_TRUNC) && writing) {
        struct stat st;
        if (fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) &&
            ftruncate(fd.get(), 0) != 0)
          return Finish(event, Reply::Error(errno));
      }
      RestoreFlags(fd.get(), flags);
      return Finish(event, SendFd(n, fd.get(), cloexec));
    }
    int open_error = errno;
    if (open_error != ENOENT || !create) {
      Record(Ev(writing ? Op::kWrite : Op::kRead, Requested(base, *path), "",
              true, open_error));
      return Reply::Error(open_error);
    }
    Resolved parent = ResolveParent(n, dirfd, *path);
    if (parent.error != 0) {
      Record(Ev(Op::kCreate, parent.path, "", true, parent.error));
      return Reply::Error(parent.error);
    }
    Event event = Ev(Op::kCreate, parent.path);
    if (!Decide(n, event, parent.path)) return Reply::Error(EACCES);
    // O_EXCL|O_NOFOLLOW: the name must still be free, and a symlink planted
    // since the check cannot redirect the create.
    fd.reset(openat(parent.fd.get(), parent.name.c_str(),
                    open_flags | O_CREAT | O_EXCL | O_NOFOLLOW,
                    mode & ~Umask(n.pid)));
    if (fd.valid()) {
      RestoreFlags(fd.get(), flags);
      return Finish(event, SendFd(n, fd.get(), cloexec));
    }
    if (errno != EEXIST || exclusive) return Finish(event, Reply::Error(errno));
    // Someone created it meanwhile: open it as an existing file.
  }
  return Reply::Error(EAGAIN);
}

Reply Supervisor::NameOp(const seccomp_notif& n, Op op, int dirfd,
                         uint64_t path_ptr, uint64_t arg) {
  int error = 0;
  std::optional<std::string> path = ReadPath(n, path_ptr, error);
  if (!path) return Reply::Error(error);
  Resolved r = ResolveParent(n, dirfd, *path);
  if (r.error != 0) {
    Record(Ev(op, r.path, "", true, r.error));
    return Reply::Error(r.error);
  }
  if (op == Op::kCreate) {
    // mknod: regular files and FIFOs only; device nodes are never granted.
    mode_t type = static_cast<mode_t>(arg) & S_IFMT;
    if (type != 0 && type != S_IFREG && type != S_IFIFO) {
      Record(Ev(op, r.path, "device node", false, EPERM));
      return Reply::Error(EPERM);
    }
  }
  // Creating a name that exists fails with EEXIST whatever the policy says
  // (`mkdir -p` walks every parent); the tracee can stat it anyway.
  if ((op == Op::kMkdir || op == Op::kCreate) && Exists(r)) {
    Record(Ev(op, r.path, "", true, EEXIST));
    return Reply::Error(EEXIST);
  }
  Event event = Ev(op, r.path);
  if (!Decide(n, event, r.path)) return Reply::Error(EACCES);
  int rc = 0;
  mode_t mode = static_cast<mode_t>(arg) & ~Umask(n.pid);
  switch (op) {
    case Op::kUnlink:
      rc = unlinkat(r.fd.get(), r.name.c_str(), 0);
      break;
    case Op::kRmdir:
      rc = unlinkat(r.fd.get(), r.name.c_str(), AT_REMOVEDIR);
      break;
    case Op::kMkdir:
      rc = mkdirat(r.fd.get(), r.name.c_str(), mode & 07777);
      break;
    case Op::kCreate:
      rc = mknodat(r.fd.get(), r.name.c_str(),
                   (static_cast<mode_t>(arg) & S_IFMT) | (mode & 07777), 0);
      break;
    default:
      return Reply::Error(ENOSYS);
  }
  return Finish(event, Result(rc));
}

Reply Supervisor::Rename(const seccomp_notif& n, int olddir, uint64_t old_ptr,
                         int newdir, uint64_t new_ptr, unsigned flags) {
  int error = 0;
  std::optional<std::string> from = ReadPath(n, old_ptr, error);
  if (!from) return Reply::Error(error);
  std::optional<std::string> to = ReadPath(n, new_ptr, error);
  if (!to) return Reply::Error(error);
  Resolved src = ResolveParent(n, olddir, *from);
  Resolved dst = ResolveParent(n, newdir, *to);
  if (src.error != 0 || dst.error != 0) {
    int e = src.error != 0 ? src.error : dst.error;
    Record(Ev(Op::kRename, src.path, dst.path, true, e));
    return Reply::Error(e);
  }
  Event event = Ev(Op::kRename, src.path, dst.path);
  if (!Decide(n, event, src.path)) return Reply::Error(EACCES);
  return Finish(event, Result(syscall(SYS_renameat2, src.fd.get(),
                                      src.name.c_str(), dst.fd.get(),
                                      dst.name.c_str(), flags)));
}

Reply Supervisor::Link(const seccomp_notif& n, int olddir, uint64_t old_ptr,
                       int newdir, uint64_t new_ptr, int flags) {
  int error = 0;
  std::optional<std::string> from = ReadPath(n, old_ptr, error);
  if (!from) return Reply::Error(error);
  std::optional<std::string> to = ReadPath(n, new_ptr, error);
  if (!to) return Reply::Error(error);
  // A hard link is a new name for an existing file: it must be one the
  // script may write, or a link into OUT_DIR would launder a secret.
  Resolved src = ResolveExisting(n, olddir, *from,
                                 (flags & AT_SYMLINK_FOLLOW) == 0);
  Resolved dst = ResolveParent(n, newdir, *to);
  if (src.error != 0 || dst.error != 0) {
    int e = src.error != 0 ? src.error : dst.error;
    Record(Ev(Op::kLink, dst.path, src.path, true, e));
    return Reply::Error(e);
  }
  Event event = Ev(Op::kLink, dst.path, src.path);
  if (!Decide(n, event, dst.path)) return Reply::Error(EACCES);
  std::string magic = absl::StrCat("/proc/self/fd/", src.fd.get());
  return Finish(event, Result(linkat(AT_FDCWD, magic.c_str(), dst.fd.get(),
                                     dst.name.c_str(), AT_SYMLINK_FOLLOW)));
}

Reply Supervisor::Symlink(const seccomp_notif& n, uint64_t text_ptr,
                          int newdir, uint64_t new_ptr) {
  std::optional<std::string> text = ReadString(n.pid, text_ptr, PATH_MAX);
  if (!text) return Reply::Error(EFAULT);
  int error = 0;
  std::optional<std::string> to = ReadPath(n, new_ptr, error);
  if (!to) return Reply::Error(error);
  Resolved dst = ResolveParent(n, newdir, *to);
  if (dst.error != 0) {
    Record(Ev(Op::kSymlink, dst.path, *text, true, dst.error));
    return Reply::Error(dst.error);
  }
  // The link text is not resolved here: every open through the link is
  // decided on the file it reaches.
  if (Exists(dst)) {
    Record(Ev(Op::kSymlink, dst.path, *text, true, EEXIST));
    return Reply::Error(EEXIST);
  }
  Event event = Ev(Op::kSymlink, dst.path, *text);
  if (!Decide(n, event, dst.path)) return Reply::Error(EACCES);
  return Finish(event,
                Result(symlinkat(text->c_str(), dst.fd.get(), dst.name.c_str())));
}

Reply Supervisor::MetaOp(const seccomp_notif& n, Op op, int dirfd,
                         uint64_t path_ptr, bool nofollow) {
  int error = 0;
  std::optional<std::string> path = ReadPath(n, path_ptr, error);
  if (!path) return Reply::Error(error);
  Resolved r = ResolveExisting(n, dirfd, *path, nofollow);
  if (r.error != 0) {
    Record(Ev(op, r.path, "", true, r.error));
    return Reply::Error(r.error);
  }
  Event event = Ev(op, r.path);
  if (!Decide(n, event, r.path)) return Reply::Error(EACCES);
  // Perform the call through the fd we decided on: the path may have been
  // swapped since, the object cannot.
  const auto& a = n.data.args;
  std::string magic = absl::StrCat("/proc/self/fd/", r.fd.get());
  long rc = -1;
  switch (n.data.nr) {
    case SYS_chmod:
      rc = fchmodat(AT_FDCWD, magic.c_str(), static_cast<mode_t>(a[1]), 0);
      break;
    case SYS_fchmodat:
      rc = fchmodat(AT_FDCWD, magic.c_str(), static_cast<mode_t>(a[2]), 0);
      break;
    case SYS_chown:
    case SYS_lchown:
      rc = fchownat(r.fd.get(), "", static_cast<uid_t>(a[1]),
                    static_cast<gid_t>(a[2]), AT_EMPTY_PATH);
      break;
    case SYS_fchownat:
      rc = fchownat(r.fd.get(), "", static_cast<uid_t>(a[2]),
                    static_cast<gid_t>(a[3]), AT_EMPTY_PATH);
      break;
    case SYS_truncate:
      rc = truncate(magic.c_str(), static_cast<off_t>(a[1]));
      break;
    default:
      // utime*, *xattr: rare, and their arguments point into tracee memory;
      // the object is decided, so let the kernel run the call as asked.
      // The path could be swapped after the decision; these calls change
      // timestamps and extended attributes only, never contents.
      return Finish(event, Reply::Continue());
  }
  return Finish(event, Result(rc));
}

Reply Supervisor::FdMetaOp(const seccomp_notif& n, Op op, int fd) {
  UniqueFd own = TakeFd(n.pid, fd);
  if (!own.valid()) return Reply::Error(EBADF);
  std::string path = FdPath(own.get());
  Event event = Ev(op, path);
  if (!Decide(n, event, path)) return Reply::Error(EACCES);
  // The tracee's fd names a fixed object: the decision cannot go stale.
  return Finish(event, Reply::Continue());
}

// ---------------------------------------------------------------------------
// Programs

Reply Supervisor::Exec(const seccomp_notif& n, int dirfd, uint64_t path_ptr,
                       uint64_t argv_ptr, int flags) {
  int error = 0;
  std::string program;
  std::string requested;
  if ((flags & AT_EMPTY_PATH) && dirfd >= 0) {
    std::optional<std::string> p = ReadString(n.pid, path_ptr, PATH_MAX);
    if (p && p->empty()) {
      UniqueFd own = TakeFd(n.pid, dirfd);
      if (!own.valid()) return Reply::Error(EBADF);
      program = requested = FdPath(own.get());
    }
  }
  if (program.empty()) {
    std::optional<std::string> path = ReadPath(n, path_ptr, error);
    if (!path) return Reply::Error(error);
    Resolved r = ResolveExisting(n, dirfd, *path, false);
    requested = r.error != 0 ? r.path : r.requested;
    if (r.error != 0) {
      // $PATH walks: the kernel would fail the same way.
      Record(Ev(Op::kExec, requested, "", true, r.error));
      return Reply::Error(r.error);
    }
    program = r.path;
  }
  // The first exec is the build script itself, which warden started.
  if (!first_exec_seen_ && static_cast<pid_t>(n.pid) == child_) {
    first_exec_seen_ = true;
    return Reply::Continue();
  }
  std::string argv = absl::StrJoin(ReadArgv(n.pid, argv_ptr), " ");
  Event event = Ev(Op::kExec, program, argv);
  if (!Decide(n, event, requested)) return Reply::Error(EACCES);
  // CONTINUE: the kernel re-reads the path, which the tracee could swap.
  // Acceptable because the exec allow-list is hygiene, not the boundary:
  // the new image runs under the same filter and Landlock domain, and
  // "ld.so /any/binary" needs no execve at all. Files, network, signals
  // and ptrace are the boundary.
  return Finish(event, Reply::Continue());
}

// ---------------------------------------------------------------------------
// Network

Reply Supervisor::Network(const seccomp_notif& n, Op op, int fd,
                          uint64_t addr_ptr, socklen_t addr_len) {
  sockaddr_storage sa;
  memset(&sa, 0, sizeof sa);
  if (addr_len > sizeof sa) addr_len = sizeof sa;
  if (addr_len < sizeof(sa_family_t) ||
      !ReadMemory(n.pid, addr_ptr, &sa, addr_len))
    return Reply::Error(EFAULT);
  UniqueFd sock = TakeFd(n.pid, fd);
  if (!sock.valid()) return Reply::Error(EBADF);
  int type = 0;
  socklen_t type_len = sizeof type;
  getsockopt(sock.get(), SOL_SOCKET, SO_TYPE, &type, &type_len);
  // A relative unix path means the tracee's cwd, not ours.
  if (sa.ss_family == AF_UNIX) {
    auto& un = reinterpret_cast<sockaddr_un&>(sa);
    if (un.sun_path[0] != '\0' && un.sun_path[0] != '/') {
      std::string abs = JoinPath(FdPath(OpenCwd(n.pid).get()), un.sun_path);
      if (abs.size() >= sizeof un.sun_path) return Reply::Error(ENAMETOOLONG);
      memset(un.sun_path, 0, sizeof un.sun_path);
      memcpy(un.sun_path, abs.data(), abs.size());
      addr_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) +
                                        abs.size() + 1);
    }
  }
  std::string target = SockaddrString(sa, addr_len, type);
  Event event = Ev(op, target);
  if (!Decide(n, event, target)) return Reply::Error(EACCES);
  // Learn mode records what was named and lets the kernel connect, so a slow
  // peer never stalls the supervisor; enforce acts on its own copy below.
  if (!spec_.enforce) return Finish(event, Reply::Continue());
  // Act on our copy of the address, through the same socket.
  long rc;
  if (n.data.nr == SYS_connect) {
    rc = connect(sock.get(), reinterpret_cast<sockaddr*>(&sa), addr_len);
  } else if (n.data.nr == SYS_bind) {
    rc = bind(sock.get(), reinterpret_cast<sockaddr*>(&sa), addr_len);
  } else {  // sendto with a destination
    size_t len = n.data.args[2];
    if (len > (1u << 20)) return Reply::Error(EMSGSIZE);
    std::string buf(len, '\0');
    if (!ReadMemory(n.pid, n.data.args[1], buf.data(), len))
      return Reply::Error(EFAULT);
    rc = sendto(sock.get(), buf.data(), len,
                static_cast<int>(n.data.args[3]) | MSG_NOSIGNAL,
                reinterpret_cast<sockaddr*>(&sa), addr_len);
  }
  return Finish(event, Result(rc));
}

Reply Supervisor::SendMsg(const seccomp_notif& n) {
  UniqueFd sock = TakeFd(n.pid, static_cast<int>(n.data.args[0]));
  if (!sock.valid()) return Reply::Error(EBADF);
  int type = 0;
  socklen_t type_len = sizeof type;
  getsockopt(sock.get(), SOL_SOCKET, SO_TYPE, &type, &type_len);
  sockaddr_storage peer;
  socklen_t peer_len = sizeof peer;
  bool connected =
      getpeername(sock.get(), reinterpret_cast<sockaddr*>(&peer), &peer_len) ==
      0;
  int flags = n.data.nr == SYS_sendmsg ? static_cast<int>(n.data.args[2])
                                       : static_cast<int>(n.data.args[3]);
  // A connected stream socket ignores any destination in the message, so the
  // tracee cannot change where the data goes after we looked. MSG_FASTOPEN
  // on an unconnected TCP socket would connect: not covered.
  if ((type == SOCK_STREAM || type == SOCK_SEQPACKET) && connected &&
      !(flags & MSG_FASTOPEN))
    return Reply::Continue();
  // Datagram sockets can name any destination per message.
  std::string target =
      connected ? SockaddrString(peer, peer_len, type) : "unknown";
  if (n.data.nr == SYS_sendmsg) {
    msghdr msg;
    if (!ReadMemory(n.pid, n.data.args[1], &msg, sizeof msg))
      return Reply::Error(EFAULT);
    if (msg.msg_name != nullptr && msg.msg_namelen > 0) {
      sockaddr_storage sa;
      memset(&sa, 0, sizeof sa);
      socklen_t len = msg.msg_namelen > sizeof sa ? sizeof sa : msg.msg_namelen;
      if (ReadMemory(n.pid, reinterpret_cast<uint64_t>(msg.msg_name), &sa,
                     len))
        target = SockaddrString(sa, len, type);
    }
  }
  Event event = Ev(Op::kConnect, target, "sendmsg");
  if (!spec_.enforce) {
    if (!Decide(n, event, target)) return Reply::Error(EACCES);
    return Finish(event, Reply::Continue());
  }
  // Enforce: a datagram message may carry its own destination, which the
  // kernel re-reads after any check of ours. Emulating it (copying iovecs and
  // control data) is not done yet, so such sends are refused and reported.
  event.detail = "sendmsg on a datagram socket";
  event.allowed = false;
  Record(event);
  return Reply::Error(EPERM);
}

Reply Supervisor::Socket(const seccomp_notif& n) {
  int family = static_cast<int>(n.data.args[0]);
  Event event = Ev(Op::kSocket, absl::StrCat("family:", family));
  event.allowed = !spec_.enforce;
  Record(event);
  return spec_.enforce ? Reply::Error(EAFNOSUPPORT) : Reply::Continue();
}

Reply Supervisor::Signal(const seccomp_notif& n, pid_t target) {
  // Only reached when Landlock cannot scope signals (ABI < 6).
  bool inside = target > 0 && (target == static_cast<pid_t>(n.pid) ||
                               InTree(target));
  if (target == 0) inside = true;  // own process group: the tree's session
  if (inside) return Reply::Continue();
  Event event = Ev(Op::kSignal, absl::StrCat("pid:", target));
  event.allowed = !spec_.enforce;
  Record(event);
  return spec_.enforce ? Reply::Error(EPERM) : Reply::Continue();
}

// Only ioctls whose command has high bits set get here (the filter decides
// the rest); the kernel ignores those bits.
Reply Supervisor::Ioctl(const seccomp_notif& n) {
  const unsigned cmd = static_cast<unsigned>(n.data.args[1]);
  if (cmd != TIOCSTI && cmd != TIOCLINUX) return Reply::Continue();
  Event event = Ev(Op::kSyscall, "ioctl", cmd == TIOCSTI ? "TIOCSTI" : "TIOCLINUX");
  event.allowed = false;
  event.error = EPERM;
  Record(event);
  return Reply::Error(EPERM);
}

Reply Supervisor::Unknown(const seccomp_notif& n) {
  Event event = Ev(Op::kSyscall, SyscallName(n.data.nr));
  event.allowed = !spec_.enforce;
  Record(event);
  return spec_.enforce ? Reply::Error(ENOSYS) : Reply::Continue();
}

// ---------------------------------------------------------------------------
// Starting the child

// PeakRssKb is this process image's peak RSS (VmHWM). Not getrusage's
// ru_maxrss: Linux carries that across execve, so it would report cargo's
// RSS, which the forked shim script inherited.
int64_t PeakRssKb() {
  FILE* f = fopen("/proc/self/status", "re");
  if (f == nullptr) return 0;
  char line[256];
  long long kb = 0;
  while (fgets(line, sizeof line, f) != nullptr)
    if (sscanf(line, "VmHWM: %lld kB", &kb) == 1) break;
  fclose(f);
  return kb;
}

constexpr unsigned long kFilterFlags =
    SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;

[[noreturn]] void ChildFail(int report_fd, const std::string& message) {
  std::string line = absl::StrCat("E", message);
  (void)!write(report_fd, line.data(), line.size());
  _exit(127);
}

// RunChild confines this (forked) process and execs the program. It reports
// the listener fd number, or an error, on `report_fd`.
[[noreturn]] void RunChild(const SandboxSpec& spec,
                           const std::vector<sock_filter>& program,
                           int report_fd, pid_t parent) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
    _exit(127);
  setsid();  // no controlling terminal: no TIOCSTI into the user's shell
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    ChildFail(report_fd, absl::StrCat("PR_SET_NO_NEW_PRIVS: ", strerror(errno)));
  if (absl::Status s = ApplyLandlock(spec.landlock); !s.ok())
    ChildFail(report_fd, std::string(s.message()));
  std::vector<char*> argv, envp;
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const std::string& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  sock_fprog prog{static_cast<unsigned short>(program.size()),
                  const_cast<sock_filter*>(program.data())};
  int listener = static_cast<int>(
      syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, kFilterFlags, &prog));
  if (listener < 0)
    ChildFail(report_fd, absl::StrCat("seccomp filter: ", strerror(errno)));
  // From here on, every trapped call waits for the supervisor, which first
  // needs this number to take the listener with pidfd_getfd.
  std::string line = absl::StrCat("L", listener);
  if (write(report_fd, line.data(), line.size()) < 0) _exit(127);
  close(report_fd);
  execve(spec.program.c_str(), argv.data(), envp.data());
  _exit(127);
}

}  // namespace

absl::Status KernelSupport() {
  // A filter with a listener may only be installed with NO_NEW_PRIVS, which
  // we do not want on the calling process: probe the API instead.
  uint32_t action = SECCOMP_RET_USER_NOTIF;
  long rc = syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action);
  if (rc != 0)
    return absl::FailedPreconditionError(
        "the kernel lacks seccomp user notification (needs Linux >= 5.14 "
        "with CONFIG_SECCOMP_FILTER)");
  if (syscall(SYS_pidfd_getfd, -1, 0, 0) < 0 && errno == ENOSYS)
    return absl::FailedPreconditionError(
        "the kernel lacks pidfd_getfd (needs Linux >= 5.6)");
  return absl::OkStatus();
}

absl::StatusOr<RunResult> RunSupervised(const SandboxSpec& spec,
                                        Decider& decider, EventLog& log) {
  if (absl::Status s = KernelSupport(); !s.ok()) return s;
  FilterOptions options;
  options.signals_scoped = spec.landlock.scope;
  absl::StatusOr<std::vector<sock_filter>> program = BuildFilter(options);
  if (!program.ok()) return program.status();

  // Orphans of the tree become our children, so we can kill them at the end.
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0)
    return absl::InternalError(absl::StrCat("pipe: ", strerror(errno)));
  UniqueFd report_read(pipe_fds[0]), report_write(pipe_fds[1]);
  pid_t parent = getpid();
  pid_t child = fork();
  if (child < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  if (child == 0) RunChild(spec, *program, report_write.get(), parent);
  report_write.reset();

  char buf[512];
  ssize_t got = read(report_read.get(), buf, sizeof buf - 1);
  if (got <= 0 || buf[0] != 'L') {
    int raw;
    waitpid(child, &raw, 0);
    std::string why = got > 1 ? std::string(buf + 1, got - 1) : "child exited";
    return absl::FailedPreconditionError(
        absl::StrCat("cannot confine ", spec.program, ": ", why));
  }
  buf[got] = '\0';
  int child_listener = atoi(buf + 1);
  UniqueFd listener = TakeFd(child, child_listener);
  if (!listener.valid()) {
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    return absl::InternalError(
        absl::StrCat("pidfd_getfd of the seccomp listener: ", strerror(errno)));
  }
  // Best effort (Linux >= 6.6): wake the supervisor on the CPU of the
  // notifying task; the flag is passed by value, not by pointer.
  ioctl(listener.get(), kNotifSetFlags, kSyncWakeUp);

  RunResult result;
  Supervisor supervisor(spec, decider, log, listener.get(), child);
  absl::StatusOr<int> status = supervisor.Serve(result.notifications);
  if (!status.ok()) {
    kill(child, SIGKILL);
    return status.status();
  }
  result.exit_status = *status;
  result.peak_rss_kb = PeakRssKb();
  return result;
}

}  // namespace warden
