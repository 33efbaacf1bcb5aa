// Supervisor: socket requests (connect, bind, sendto, sendmsg, socket),
// decided on a copy of the address and acted out on the tracee's socket.
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "tracer/supervisor_internal.h"
#include "tracer/tracee.h"

namespace warden::internal {
namespace {

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


}  // namespace

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
  if (!Decide(n, event, target)) return Refused(event);
  // Learn mode records what was named and lets the kernel connect, so a slow
  // peer never stalls the supervisor; enforce acts on its own copy below.
  if (!spec_.enforce && !spec_.decider_confines)
    return Finish(event, Reply::Continue());
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
  if (!spec_.enforce && !spec_.decider_confines) {
    if (!Decide(n, event, target)) return Refused(event);
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

}  // namespace warden::internal
