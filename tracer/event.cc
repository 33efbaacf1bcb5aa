#include "tracer/event.h"

#include <array>
#include <utility>

namespace warden {
namespace {

constexpr std::array<std::pair<Op, std::string_view>, 21> kOpNames = {{
    {Op::kRead, "read"},       {Op::kWrite, "write"},
    {Op::kCreate, "create"},   {Op::kUnlink, "unlink"},
    {Op::kRename, "rename"},   {Op::kMkdir, "mkdir"},
    {Op::kRmdir, "rmdir"},     {Op::kLink, "link"},
    {Op::kSymlink, "symlink"}, {Op::kChmod, "chmod"},
    {Op::kChown, "chown"},     {Op::kTruncate, "truncate"},
    {Op::kUtime, "utime"},     {Op::kXattr, "xattr"},
    {Op::kExec, "exec"},       {Op::kConnect, "connect"},
    {Op::kBind, "bind"},       {Op::kSocket, "socket"},
    {Op::kSignal, "signal"},   {Op::kSyscall, "syscall"},
    {Op::kDirective, "directive"},
}};

}  // namespace

std::string_view OpName(Op op) {
  for (const auto& [o, name] : kOpNames)
    if (o == op) return name;
  return "unknown";
}

std::optional<Op> OpFromName(std::string_view name) {
  for (const auto& [o, n] : kOpNames)
    if (n == name) return o;
  return std::nullopt;
}

Access AccessOf(Op op) {
  switch (op) {
    case Op::kRead:
      return Access::kRead;
    case Op::kWrite:
    case Op::kCreate:
    case Op::kUnlink:
    case Op::kRename:
    case Op::kMkdir:
    case Op::kRmdir:
    case Op::kLink:
    case Op::kSymlink:
    case Op::kChmod:
    case Op::kChown:
    case Op::kTruncate:
    case Op::kUtime:
    case Op::kXattr:
      return Access::kWrite;
    case Op::kExec:
      return Access::kExec;
    case Op::kConnect:
      return Access::kConnect;
    case Op::kBind:
      return Access::kBind;
    case Op::kSocket:
    case Op::kSignal:
    case Op::kSyscall:
    case Op::kDirective:
      return Access::kNone;
  }
  return Access::kNone;
}

std::string_view AccessName(Access access) {
  switch (access) {
    case Access::kRead:
      return "read";
    case Access::kWrite:
      return "write";
    case Access::kExec:
      return "exec";
    case Access::kConnect:
      return "connect";
    case Access::kBind:
      return "bind";
    case Access::kNone:
      return "none";
  }
  return "none";
}

}  // namespace warden
