// Tracee: what the supervisor may learn about, and take from, the thread that
// sent a notification. Every function works on a thread id (threads can have
// their own cwd and fd table).
#ifndef WARDEN_TRACER_TRACEE_H_
#define WARDEN_TRACER_TRACEE_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tracer/unique_fd.h"

namespace warden {

// ReadString copies a NUL-terminated string of at most `max` bytes from the
// tracee; nullopt (errno set) if it is unreadable or too long.
std::optional<std::string> ReadString(pid_t tid, uint64_t address,
                                      size_t max = 4096);

// ReadMemory copies exactly `size` bytes; false (errno set) otherwise.
bool ReadMemory(pid_t tid, uint64_t address, void* out, size_t size);

// ReadArgv copies a NULL-terminated pointer array of strings (argv), at most
// `max_args` of them; longer lists end with "…".
std::vector<std::string> ReadArgv(pid_t tid, uint64_t address,
                                  size_t max_args = 64);

// TakeFd duplicates the tracee's descriptor `fd` into the supervisor.
UniqueFd TakeFd(pid_t tid, int fd);

// OpenCwd opens the tracee thread's working directory as an O_PATH fd.
UniqueFd OpenCwd(pid_t tid);

// FdPath is the path the kernel reports for one of our descriptors
// (readlink of /proc/self/fd/N): "/usr/include/stdio.h", "pipe:[123]".
std::string FdPath(int fd);

// RewriteSelf turns names that mean "the caller" into names that mean the
// tracee when the supervisor resolves them: /proc/self, /proc/thread-self,
// /dev/fd/N, /dev/stdin|stdout|stderr.
std::string RewriteSelf(std::string_view path, pid_t tid);

// Umask reads the tracee's file-creation mask (022 if unreadable).
mode_t Umask(pid_t tid);

// IsDescendant says whether `pid` is `root` or one of its descendants.
bool IsDescendant(pid_t pid, pid_t root);

// ProcPid returns N for a path "/proc/N" or "/proc/N/…", or 0.
pid_t ProcPid(std::string_view path);

// JoinPath makes `path` absolute against `base` and removes "." and ".."
// lexically (for naming requests that failed before anything was opened).
std::string JoinPath(std::string_view base, std::string_view path);

}  // namespace warden

#endif  // WARDEN_TRACER_TRACEE_H_
