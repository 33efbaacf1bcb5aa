// Red-team: reaching our listeners over unix, UDP and TCP sockets, and
// sockets of other families.
#include <sys/socket.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/redteam_util.h"

namespace warden::redteam {
namespace {

// --- Network -----------------------------------------------------------------

TEST_F(RedTeam, UnixConnectOutside) {
  Outcome o = Run("unix_connect");
  ExpectNothingEscaped(o, "unix_connect");
  EXPECT_TRUE(Contains(o.output, "FAIL unix-connect errno=13")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL unix-dgram-sendto errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kConnect, "unix:" + unix_path_)) << Dump(o);
}

TEST_F(RedTeam, UdpSendto) {
  Outcome o = Run("udp_sendto");
  ExpectNothingEscaped(o, "udp_sendto");
  EXPECT_TRUE(Contains(o.output, "FAIL udp-sendto errno=13")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL udp-connect errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kConnect, absl::StrCat("udp:127.0.0.1:", udp_port_)))
      << Dump(o);
}

TEST_F(RedTeam, UdpSendmsg) {
  Outcome o = Run("udp_sendmsg");
  ExpectNothingEscaped(o, "udp_sendmsg");
  EXPECT_TRUE(Contains(o.output, "FAIL udp-sendmsg errno=1")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL udp-sendmmsg errno=1")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kConnect, absl::StrCat("udp:127.0.0.1:", udp_port_)))
      << Dump(o);
}

TEST_F(RedTeam, TcpConnect) {
  Outcome o = Run("tcp_connect");
  ExpectNothingEscaped(o, "tcp_connect");
  EXPECT_TRUE(Contains(o.output, "FAIL tcp-connect errno=13")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL tcp-fastopen")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kConnect, absl::StrCat("tcp:127.0.0.1:", tcp_port_)))
      << Dump(o);
}

TEST_F(RedTeam, NetlinkAndPacketSockets) {
  Outcome o = Run("netlink_packet");
  ExpectNothingEscaped(o, "netlink_packet");
  EXPECT_TRUE(Contains(o.output, "FAIL socket-netlink errno=97")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL socket-packet errno=97")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kSocket, absl::StrCat("family:", AF_NETLINK))) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kSocket, absl::StrCat("family:", AF_PACKET))) << Dump(o);
}

}  // namespace
}  // namespace warden::redteam
