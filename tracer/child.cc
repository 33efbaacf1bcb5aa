#include "tracer/child.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "tracer/elf_file.h"
#include "tracer/landlock.h"
#include "tracer/unique_fd.h"

namespace warden::internal {
namespace {

constexpr unsigned long kFilterFlags =
    SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;

[[noreturn]] void ChildFail(int report_fd, const std::string& message) {
  std::string line = absl::StrCat("E", message);
  (void)!write(report_fd, line.data(), line.size());
  _exit(127);
}

// ---------------------------------------------------------------------------
// Descriptors the program inherits

bool Kept(const std::vector<int>& keep, int fd) {
  return std::find(keep.begin(), keep.end(), fd) != keep.end();
}

// NextKept is the smallest kept fd >= `from`, or -1.
long NextKept(const std::vector<int>& keep, long from) {
  long next = -1;
  for (int fd : keep)
    if (fd >= from && (next < 0 || fd < next)) next = fd;
  return next;
}

// CloexecByRange marks every fd >= 3 outside `keep` close-on-exec, a range
// per gap, and returns 0 or close_range's errno.
int CloexecByRange(const std::vector<int>& keep) {
  for (long first = 3;;) {
    long next = NextKept(keep, first);
    unsigned last = next < 0 ? ~0u : static_cast<unsigned>(next - 1);
    if (next != first &&
        syscall(SYS_close_range, static_cast<unsigned>(first), last,
                CLOSE_RANGE_CLOEXEC) != 0)
      return errno;
    if (next < 0 || next == INT_MAX) return 0;
    first = next + 1;
  }
}

// CloexecByProc does the same by walking /proc/self/fd, for kernels before
// 5.11 (no close_range, or no CLOSE_RANGE_CLOEXEC). getdents64 directly:
// this runs between fork and exec.
bool CloexecByProc(const std::vector<int>& keep) {
  UniqueFd dir(open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return false;
  alignas(dirent64) char buf[4096];
  ssize_t n;
  while ((n = getdents64(dir.get(), buf, sizeof buf)) > 0) {
    for (ssize_t off = 0; off < n;) {
      const auto* d = reinterpret_cast<const dirent64*>(buf + off);
      off += d->d_reclen;
      char* end;
      long fd = strtol(d->d_name, &end, 10);
      if (*end != '\0' || end == d->d_name || fd < 3 || fd == dir.get() ||
          fd > INT_MAX || Kept(keep, static_cast<int>(fd)))
        continue;
      if (fcntl(static_cast<int>(fd), F_SETFD, FD_CLOEXEC) != 0 && errno != EBADF)
        n = -1;
    }
    if (n < 0) break;
  }
  return n == 0;
}

// CloseInheritedAtExec leaves the program 0, 1, 2 and `keep`: cargo's and
// the shell's other descriptors could point outside the policy, and reading
// a held fd is never trapped. Marking (not closing) keeps the O_CLOEXEC
// report pipe usable until the seccomp load.
void CloseInheritedAtExec(const std::vector<int>& keep, int report_fd) {
  int error = CloexecByRange(keep);
  if (error == 0) return;
  if ((error == ENOSYS || error == EINVAL) && CloexecByProc(keep)) return;
  ChildFail(report_fd, absl::StrCat("cannot close inherited descriptors: ",
                                    strerror(error)));
}

}  // namespace

[[noreturn]] void RunChild(const SandboxSpec& spec, char* const* envp,
                           const std::vector<sock_filter>& program,
                           int report_fd, pid_t parent) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
    _exit(127);
  setsid();  // no controlling terminal: no TIOCSTI into the user's shell
  // Before Landlock, which may hide /proc from the fallback.
  CloseInheritedAtExec(spec.keep_fds, report_fd);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    ChildFail(report_fd, absl::StrCat("PR_SET_NO_NEW_PRIVS: ", strerror(errno)));
  if (absl::Status s = ApplyLandlock(spec.landlock); !s.ok())
    ChildFail(report_fd, std::string(s.message()));
  std::vector<char*> argv;
  for (const std::string& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
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
  execve(spec.program.c_str(), argv.data(), envp);
  _exit(127);
}

}  // namespace warden::internal

namespace warden {

std::vector<std::string> WithoutLegacyHwcapsSearch(
    const std::vector<std::string>& env) {
  const std::string name = "GLIBC_TUNABLES=", mask = "glibc.cpu.hwcap_mask=";
  std::vector<std::string> out;
  out.reserve(env.size() + 1);
  bool tuned = false;
  for (const std::string& entry : env) {
    if (!entry.starts_with(name)) {
      out.push_back(entry);
      continue;
    }
    tuned = true;
    const std::string value = entry.substr(name.size());
    if (value.starts_with(mask) || value.find(":" + mask) != std::string::npos)
      out.push_back(entry);
    else
      out.push_back(entry + (value.empty() ? "" : ":") + mask + "0");
  }
  if (!tuned) out.push_back(name + mask + "0");
  return out;
}

std::vector<std::string> WithoutUnneededLibraryPaths(
    const std::vector<std::string>& env,
    const std::vector<std::string>& output_dirs, const std::string& program) {
  const std::string name = "LD_LIBRARY_PATH=";
  auto below_output = [&output_dirs](const std::string& dir) {
    return std::any_of(output_dirs.begin(), output_dirs.end(),
                       [&dir](const std::string& out) {
                         return !out.empty() &&
                                (dir == out || dir.starts_with(out + "/"));
                       });
  };
  if (output_dirs.empty()) return env;
  std::vector<std::string> out = env;
  std::optional<std::vector<std::string>> needed;
  for (std::string& entry : out) {
    if (!entry.starts_with(name)) continue;
    if (!needed && !(needed = internal::NeededLibraries(program))) return env;
    std::string kept;
    bool dropped = false, first = true;
    size_t start = name.size();
    while (start <= entry.size()) {
      // glibc splits the list at ':' and ';'.
      const size_t end = std::min(entry.find_first_of(":;", start), entry.size());
      const std::string dir = entry.substr(start, end - start);
      start = end + 1;
      auto serves = [&dir, &needed] {
        return std::any_of(
            needed->begin(), needed->end(), [&dir](const std::string& lib) {
              return access((dir + "/" + lib).c_str(), F_OK) == 0;
            });
      };
      // Only output dirs are looked into: the others are kept unread.
      if (below_output(dir) && !serves()) {
        dropped = true;
        continue;
      }
      absl::StrAppend(&kept, first ? "" : ":", dir);
      first = false;
    }
    if (dropped) entry = absl::StrCat(name, kept);
  }
  return out;
}

}  // namespace warden
