#include "tracer/tracee.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace warden {

bool ReadMemory(pid_t tid, uint64_t address, void* out, size_t size) {
  if (size == 0) return true;
  iovec local{out, size};
  iovec remote{reinterpret_cast<void*>(address), size};
  ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
  if (n == static_cast<ssize_t>(size)) return true;
  if (n >= 0) errno = EFAULT;
  return false;
}

namespace {

constexpr uint64_t kPage = 4096;

// PageReader reads a tracee's memory up to the end of a page and keeps what
// it read: the strings of an argv mostly share a page or two, so an exec
// costs a few process_vm_readv calls instead of two per argument, and a
// single path costs one read of the rest of its page, as before.
class PageReader {
 public:
  explicit PageReader(pid_t tid) : tid_(tid) {}
  // At points at the bytes from `address` to the end of its page (`room` of
  // them), or is nullptr with errno set. Memory is mapped a page at a time,
  // so reading to the page's end can fail only where reading less could.
  const char* At(uint64_t address, size_t& room) {
    const uint64_t page = address - address % kPage;
    if (!cached_ || page != page_ || address < page_ + from_) {
      const size_t from = address - page;
      cached_ = ReadMemory(tid_, address, buf_ + from, kPage - from);
      if (!cached_) return nullptr;
      page_ = page;
      from_ = from;
    }
    room = kPage - (address - page);
    return buf_ + (address - page);
  }

 private:
  pid_t tid_;
  bool cached_ = false;
  uint64_t page_ = 0;
  size_t from_ = 0;  // buf_[from_, kPage) holds the page's bytes
  char buf_[kPage];
};

std::optional<std::string> ReadStringWith(PageReader& pages, uint64_t address,
                                          size_t max) {
  if (address == 0) {
    errno = EFAULT;
    return std::nullopt;
  }
  std::string result;
  while (result.size() < max) {
    size_t room = 0;
    const char* chunk = pages.At(address, room);
    if (chunk == nullptr) return std::nullopt;
    const void* nul = memchr(chunk, '\0', room);
    if (nul != nullptr) {
      result.append(chunk, static_cast<const char*>(nul) - chunk);
      if (result.size() >= max) break;
      return result;
    }
    result.append(chunk, room);
    address += room;
  }
  errno = ENAMETOOLONG;
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ReadString(pid_t tid, uint64_t address,
                                      size_t max) {
  PageReader pages(tid);
  return ReadStringWith(pages, address, max);
}

std::vector<std::string> ReadArgv(pid_t tid, uint64_t address,
                                  size_t max_args) {
  std::vector<std::string> argv;
  PageReader pointers(tid), strings(tid);
  for (size_t i = 0; address != 0 && i <= max_args; ++i) {
    uint64_t pointer = 0;
    const uint64_t at = address + i * sizeof pointer;
    size_t room = 0;
    const char* bytes = pointers.At(at, room);
    if (bytes != nullptr && room >= sizeof pointer) {
      memcpy(&pointer, bytes, sizeof pointer);
    } else if (!ReadMemory(tid, at, &pointer, sizeof pointer)) {
      break;  // unmapped (a pointer across two pages is read directly)
    }
    if (pointer == 0) break;
    if (i == max_args) {
      argv.push_back("…");
      break;
    }
    std::optional<std::string> arg = ReadStringWith(strings, pointer, 4096);
    argv.push_back(arg ? *arg : "?");
  }
  return argv;
}

UniqueFd TakeFd(pid_t tid, int fd) {
  // PIDFD_THREAD (Linux 6.9) lets the pidfd name a thread, whose fd table
  // may differ from its leader's.
  constexpr unsigned kPidfdThread = O_EXCL;
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, tid, kPidfdThread));
  if (pidfd < 0 && errno == EINVAL)
    pidfd = static_cast<int>(syscall(SYS_pidfd_open, tid, 0));
  if (pidfd < 0) return UniqueFd();
  UniqueFd owner(pidfd);
  return UniqueFd(static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, fd, 0)));
}

UniqueFd OpenCwd(pid_t tid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/cwd", tid);
  return UniqueFd(open(path, O_PATH | O_DIRECTORY | O_CLOEXEC));
}

std::string FdPath(int fd) {
  char link[64];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  char target[PATH_MAX];
  ssize_t n = readlink(link, target, sizeof target);
  if (n < 0) return "?";
  return std::string(target, n);
}

std::string RewriteSelf(std::string_view path, pid_t tid) {
  // Nearly every path asked about: no names to build for it.
  if (!path.starts_with("/proc/") && !path.starts_with("/dev/"))
    return std::string(path);
  auto replace = [&](std::string_view prefix, const std::string& with)
      -> std::optional<std::string> {
    if (path == prefix) return with;
    if (path.size() > prefix.size() && path.substr(0, prefix.size()) == prefix &&
        path[prefix.size()] == '/')
      return with + std::string(path.substr(prefix.size()));
    return std::nullopt;
  };
  std::string proc = absl::StrCat("/proc/", tid);
  if (auto p = replace("/proc/self", proc)) return *p;
  if (auto p = replace("/proc/thread-self", absl::StrCat(proc, "/task/", tid)))
    return *p;
  if (auto p = replace("/dev/fd", absl::StrCat(proc, "/fd"))) return *p;
  if (path == "/dev/stdin") return absl::StrCat(proc, "/fd/0");
  if (path == "/dev/stdout") return absl::StrCat(proc, "/fd/1");
  if (path == "/dev/stderr") return absl::StrCat(proc, "/fd/2");
  return std::string(path);
}

namespace {

// ReadProc returns the start (up to 4 KiB) of /proc/<pid>/<name>, or "".
std::string ReadProc(pid_t pid, const char* name) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", pid, name);
  UniqueFile f(fopen(path, "re"));
  if (f == nullptr) return "";
  char buf[4096];
  size_t n = fread(buf, 1, sizeof buf, f.get());
  return std::string(buf, n);
}

pid_t ParentOf(pid_t pid) {
  std::string stat = ReadProc(pid, "stat");
  // "pid (comm) S ppid …": comm may hold spaces and parentheses.
  size_t close_paren = stat.rfind(')');
  int ppid = 0;
  if (close_paren == std::string::npos ||
      sscanf(stat.c_str() + close_paren + 1, " %*c %d", &ppid) != 1)
    return 0;
  return ppid;
}

}  // namespace

mode_t Umask(pid_t tid) {
  std::string status = ReadProc(tid, "status");
  size_t at = status.find("\nUmask:");
  unsigned value;
  if (at == std::string::npos ||
      sscanf(status.c_str() + at, "\nUmask: %o", &value) != 1)
    return 022;
  return value;
}

bool IsDescendant(pid_t pid, pid_t root) {
  for (int depth = 0; pid > 1 && depth < 4096; ++depth) {
    if (pid == root) return true;
    pid = ParentOf(pid);
  }
  return false;
}

pid_t ProcPid(std::string_view path) {
  constexpr std::string_view kProc = "/proc/";
  if (path.substr(0, kProc.size()) != kProc) return 0;
  std::string_view rest = path.substr(kProc.size());
  std::string_view digits = rest.substr(0, rest.find('/'));
  int pid = 0;
  if (digits.empty() || !absl::SimpleAtoi(std::string(digits), &pid)) return 0;
  return pid;
}

std::string JoinPath(std::string_view base, std::string_view path) {
  std::vector<std::string_view> parts;
  auto push = [&parts](std::string_view from) {
    while (!from.empty()) {
      size_t slash = from.find('/');
      std::string_view part = from.substr(0, slash);
      from = slash == std::string_view::npos ? std::string_view()
                                             : from.substr(slash + 1);
      if (part.empty()) continue;
      if (part == ".") continue;
      if (part == "..") {
        if (!parts.empty()) parts.pop_back();
        continue;
      }
      parts.push_back(part);
    }
  };
  if (path.empty() || path[0] != '/') push(base);
  push(path);
  if (parts.empty()) return "/";
  std::string out;
  for (std::string_view part : parts) {
    out += '/';
    out += part;
  }
  return out;
}

}  // namespace warden
