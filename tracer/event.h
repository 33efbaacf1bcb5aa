// Event: one access a supervised build script asked for, as the supervisor saw
// it. This is the only type that flows from tracer to db to learner; CallCost,
// what answering cost, flows from tracer to db for the benchmark.
#ifndef WARDEN_TRACER_EVENT_H_
#define WARDEN_TRACER_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace warden {

// Op names what was asked. The string forms (OpName) are stored in the
// database and must not change.
enum class Op {
  kRead,      // open for reading
  kWrite,     // open for writing an existing file
  kCreate,    // open with O_CREAT / creat / mknod of a new file
  kUnlink,    // unlink, unlinkat
  kRename,    // rename*: target is the source, detail the destination
  kMkdir,
  kRmdir,
  kLink,      // link*: target is the new name, detail the existing file
  kSymlink,   // symlink*: target is the new name, detail the link text
  kChmod,
  kChown,
  kTruncate,
  kUtime,     // utime, utimes, futimesat, utimensat: timestamps only
  kXattr,     // set*xattr, remove*xattr
  kExec,      // execve/execveat: target is the resolved program, detail argv
  kConnect,   // connect, or sendto/sendmsg with a destination
  kBind,
  kSocket,    // socket() of a family outside unix/inet/inet6
  kSignal,    // signal aimed outside the sandboxed tree
  kSyscall,   // a syscall warden does not allow at all; target is its name
  kDirective, // a "cargo:KEY=VALUE" line; target is "KEY=VALUE"
};

std::string_view OpName(Op op);
std::optional<Op> OpFromName(std::string_view name);

// Access is what a policy grants; several ops map onto one access.
enum class Access { kRead, kWrite, kExec, kConnect, kBind, kNone };
Access AccessOf(Op op);
std::string_view AccessName(Access access);

// kOtherProcess is the detail of a request for /proc/<pid> of a process
// outside the sandboxed tree: refused under enforce unless the Decider
// allows it (its environ holds tokens, its fds lead anywhere; policy/
// decider.h says which few a policy line may grant).
inline constexpr std::string_view kOtherProcess = "another process's /proc entry";

struct Event {
  Op op = Op::kRead;
  // Absolute, normalised path (the file actually opened where one was), or a
  // network address "tcp:127.0.0.1:8080", "udp:[::1]:53", "unix:/run/x.sock",
  // or a syscall name for kSyscall.
  std::string target;
  // Second operand or context: rename destination, argv of an exec.
  std::string detail;
  bool allowed = true;
  // errno of the operation as performed (0 on success, and 0 when warden
  // denied it before it ran). ENOENT probes and EEXIST of `mkdir -p` are
  // kept so the learner can tell misses from grants.
  int error = 0;
  // How many identical requests this event stands for.
  uint64_t count = 1;
};

// CallCost is the supervisor's own time on one kind of trapped call, from
// receiving the notification to answering it; the kernel's round trip
// (waking the supervisor, resuming the caller) comes on top of it.
struct CallCost {
  std::string syscall;  // "openat"
  std::string answer;   // "continue", "error", "emulated" or "gone"
  uint64_t calls = 0;
  uint64_t nanos = 0;
};

}  // namespace warden

#endif  // WARDEN_TRACER_EVENT_H_
