// Supervisor: file-system requests (open, name operations, metadata) and
// exec, emulated on objects the supervisor resolved itself.
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "tracer/supervisor_internal.h"
#include "tracer/tracee.h"

namespace warden::internal {
namespace {

// Exists says whether the name a Resolved parent points at is taken.
bool Exists(const Resolved& r) {
  struct stat st;
  return !r.name.empty() &&
         fstatat(r.fd.get(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}


// RestoreFlags drops the O_NONBLOCK the supervisor opened with, unless the
// tracee asked for it; F_SETFL sets exactly these status flags.
void RestoreFlags(int fd, int flags) {
  if (flags & O_NONBLOCK) return;
  fcntl(fd, F_SETFL, flags & (O_APPEND | O_ASYNC | O_DIRECT | O_NOATIME));
}

}  // namespace

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


// ---------------------------------------------------------------------------
// Files

bool Supervisor::ThroughOwnSelf(const std::string& real, const UniqueFd& base,
                                pid_t tid, std::string& path) const {
  if (ProcPid(real) != self_ || ProcPid(Requested(base, path)) == self_)
    return false;
  // /proc/mounts, /proc/net, /etc/mtab lead through the "self" link, which
  // named this supervisor when it resolved them: the tracee meant its own.
  const std::string own = absl::StrCat("/proc/", self_);
  path = absl::StrCat("/proc/", tid, real.substr(own.size()));
  return true;
}

Reply Supervisor::Open(const seccomp_notif& n, int dirfd, uint64_t path_ptr,
                       int flags, mode_t mode) {
  int error = 0;
  std::optional<std::string> path = ReadPath(n, path_ptr, error);
  if (!path) return Reply::Error(error);
  // O_PATH grants no access to data; every later use of the fd is trapped.
  // Continuing is safe whatever the path becomes.
  if (flags & O_PATH) return Reply::Continue();

  OpenCall call;
  call.dirfd = dirfd;
  call.path = std::move(*path);
  call.flags = flags;
  call.mode = mode;
  call.cloexec = flags & O_CLOEXEC;
  call.writing = (flags & O_ACCMODE) != O_RDONLY;
  call.create = flags & O_CREAT;
  call.exclusive = call.create && (flags & O_EXCL);
  // FIFOs would block the supervisor: open non-blocking, restore after.
  call.open_flags = (flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC)) |
                    O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
  if ((flags & O_TMPFILE) == O_TMPFILE) return OpenTmpfile(n, call);

  for (int attempt = 0; attempt < 4; ++attempt) {
    UniqueFd base = BaseFd(n, dirfd, call.path, error);
    if (error != 0) return Reply::Error(error);
    int at = base.valid() ? base.get() : AT_FDCWD;
    UniqueFd fd(openat(at, call.path.c_str(), call.open_flags));
    if (fd.valid()) {
      std::string real = FdPath(fd.get());
      if (ThroughOwnSelf(real, base, n.pid, call.path))
        continue;  // resolve again, as the tracee's /proc/self
      return OpenExisting(n, call, base, fd, real);
    }
    int open_error = errno;
    if (open_error != ENOENT || !call.create) {
      // An outsider that exited between a /proc listing and this open
      // (sysinfo's walk) is marked as such: its misses vary from run to run.
      Event failed = Ev(call.writing ? Op::kWrite : Op::kRead,
                        Requested(base, call.path), "", true, open_error);
      if (Outsider(n, failed.target)) failed.detail = std::string(kOtherProcess);
      Record(failed);
      return Reply::Error(open_error);
    }
    if (std::optional<Reply> reply = OpenCreate(n, call)) return *reply;
    // Someone created it meanwhile: open it as an existing file.
  }
  return Reply::Error(EAGAIN);
}

Reply Supervisor::OpenTmpfile(const seccomp_notif& n, const OpenCall& call) {
  Resolved dir = ResolveExisting(n, call.dirfd, call.path, false);
  if (dir.error != 0) return Reply::Error(dir.error);
  Event event = Ev(Op::kCreate, dir.path, "O_TMPFILE");
  if (!Decide(n, event, dir.path)) return Refused(event);
  UniqueFd fd(openat(dir.fd.get(), ".", (call.flags & ~O_CLOEXEC) | O_CLOEXEC,
                     call.mode & ~Umask(n.pid)));
  if (!fd.valid()) return Finish(event, Reply::Error(errno));
  return Finish(event, SendFd(n, fd.get(), call.cloexec));
}

Reply Supervisor::OpenExisting(const seccomp_notif& n, const OpenCall& call,
                               const UniqueFd& base, const UniqueFd& fd,
                               const std::string& real) {
  if (call.exclusive) return Reply::Error(EEXIST);
  std::string requested = Requested(base, call.path);
  const Op op = call.writing ? Op::kWrite : Op::kRead;
  // /dev/tty opened here is the supervisor's controlling terminal (the
  // user's), not the tracee's: the sandboxed tree runs in a session of
  // its own without one, so answer as the kernel would answer it.
  if (real == "/dev/tty") {
    Record(Ev(op, real, "the supervisor's terminal", false, ENXIO));
    return Reply::Error(ENXIO);
  }
  // Re-opening a pipe or socket the tree already holds through
  // /proc/<pid>/fd/N (cargo's jobserver) names no file: allowed.
  bool held_object = real.empty() || real[0] != '/';
  // A held object's name ("pipe:[266279]") changes every run: keep its
  // kind only, so logs and learned policies stay the same.
  Event event = Ev(op, held_object ? real.substr(0, real.find('[')) : real);
  if (held_object && !InTree(ProcPid(requested)) &&
      ProcPid(requested) != static_cast<pid_t>(n.pid)) {
    event.allowed = !spec_.enforce;
    Record(event);
    if (spec_.enforce) return Reply::Error(EACCES);
  } else if (!held_object && !Decide(n, event, requested)) {
    return Refused(event);
  }
  if (spec_.kernel_rechecks_opens && !held_object)
    return Finish(event, Reply::Continue());
  // Plain learn denies no read, so what the kernel opens when it redoes
  // the call cannot be one it should not; under an exact plan the kernel
  // lets it open only what the Decider allows. That saves the fd hand-over
  // (ADDFD wakes the tracee and waits for it, pinned: ~9 us of a read's ~15).
  const bool read_only = !call.writing && !call.create &&
                         !(call.flags & O_TRUNC) && !held_object;
  if (read_only && ((!spec_.enforce && !spec_.decider_confines) ||
                    KernelReads(real)))
    return Finish(event, Reply::Continue());
  // Under a plan restricting writes, the kernel lets a swapped path be
  // written only inside the rules, as the Decider would.
  if (call.writing && !held_object && KernelWrites(real))
    return Finish(event, Reply::Continue());
  if ((call.flags & O_TRUNC) && call.writing) {
    struct stat st;
    if (fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) &&
        ftruncate(fd.get(), 0) != 0)
      return Finish(event, Reply::Error(errno));
  }
  RestoreFlags(fd.get(), call.flags);
  return Finish(event, SendFd(n, fd.get(), call.cloexec));
}

std::optional<Reply> Supervisor::OpenCreate(const seccomp_notif& n,
                                            const OpenCall& call) {
  Resolved parent = ResolveParent(n, call.dirfd, call.path);
  if (parent.error != 0) {
    Record(Ev(Op::kCreate, parent.path, "", true, parent.error));
    return Reply::Error(parent.error);
  }
  Event event = Ev(Op::kCreate, parent.path);
  if (!Decide(n, event, parent.path)) return Refused(event);
  if (spec_.kernel_rechecks_opens || KernelWrites(parent.path))
    return Finish(event, Reply::Continue());
  // O_EXCL|O_NOFOLLOW: the name must still be free, and a symlink planted
  // since the check cannot redirect the create.
  UniqueFd fd(openat(parent.fd.get(), parent.name.c_str(),
                     call.open_flags | O_CREAT | O_EXCL | O_NOFOLLOW,
                     call.mode & ~Umask(n.pid)));
  if (fd.valid()) {
    RestoreFlags(fd.get(), call.flags);
    return Finish(event, SendFd(n, fd.get(), call.cloexec));
  }
  if (errno != EEXIST || call.exclusive)
    return Finish(event, Reply::Error(errno));
  return std::nullopt;
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
  if (!Decide(n, event, r.path)) return Refused(event);
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
  if (rc == 0 && (op == Op::kUnlink || op == Op::kRmdir)) RuleMoved(r.path);
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
  if (!Decide(n, event, src.path)) return Refused(event);
  long rc = syscall(SYS_renameat2, src.fd.get(), src.name.c_str(),
                    dst.fd.get(), dst.name.c_str(), flags);
  if (rc == 0) {
    RuleMoved(src.path);
    RuleMoved(dst.path);
  }
  return Finish(event, Result(rc));
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
  if (!Decide(n, event, dst.path)) return Refused(event);
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
  if (!Decide(n, event, dst.path)) return Refused(event);
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
  if (!Decide(n, event, r.path)) return Refused(event);
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
  if (!Decide(n, event, path)) return Refused(event);
  // The tracee's fd names a fixed object: the decision cannot go stale.
  return Finish(event, Reply::Continue());
}

// ---------------------------------------------------------------------------
// The exact plan's rules

namespace {

// Covers says whether `path` or a directory above it is one of `rules`.
bool Covers(const absl::flat_hash_set<std::string>& rules, std::string_view path) {
  if (rules.empty()) return false;
  for (size_t end = path.size(); end > 0 && end != std::string_view::npos;
       end = path.rfind('/', end - 1)) {
    // Debian's Abseil has a string_view of its own.
    if (rules.contains(absl::string_view(path.data(), end))) return true;
  }
  return rules.contains("/");
}

// ForgetIfMoved empties `rules` when `path` is one of them or lies above one.
void ForgetIfMoved(absl::flat_hash_set<std::string>& rules, std::string_view path) {
  for (const std::string& rule : rules) {
    if (rule.starts_with(path) &&
        (rule.size() == path.size() || rule[path.size()] == '/' || path == "/")) {
      rules.clear();
      return;
    }
  }
}

}  // namespace

bool Supervisor::KernelReads(std::string_view path) const {
  return Covers(kernel_reads_, path);
}

bool Supervisor::KernelWrites(std::string_view path) const {
  return Covers(kernel_writes_, path);
}

void Supervisor::RuleMoved(std::string_view path) {
  ForgetIfMoved(kernel_reads_, path);
  ForgetIfMoved(kernel_writes_, path);
}

std::string Supervisor::KernelCannotRun(const std::string& program) const {
  if (kernel_reads_.empty()) return "";
  if (!KernelReads(program)) return program;
  for (const std::string& loaded : ExecLoads(program))
    if (!KernelReads(loaded)) return loaded;
  return "";
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
  if (!Decide(n, event, requested)) return Refused(event);
  // The kernel would refuse it with an EACCES nobody decided: say why.
  if (std::string missing = KernelCannotRun(program); !missing.empty()) {
    Record(Ev(Op::kExec, missing,
              absl::StrCat("needed to run ", program,
                           ", outside the kernel's rules for this build script"),
              false, EACCES));
    return Reply::Error(EACCES);
  }
  // CONTINUE: the kernel re-reads the path, which the tracee could swap.
  // Acceptable because the exec allow-list is hygiene, not the boundary:
  // the new image runs under the same filter and Landlock domain, and
  // "ld.so /any/binary" needs no execve at all. Files, network, signals
  // and ptrace are the boundary.
  return Finish(event, Reply::Continue());
}

}  // namespace warden::internal
