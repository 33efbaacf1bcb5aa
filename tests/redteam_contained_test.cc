// Red-team: contained learn (policy/contained.h) against the same hostile
// helper: the secret's dir is $HOME, the allowed dir the build's OUT_DIR. The
// fence must hold although learn lets the kernel redo most calls: the
// supervisor acts on its own copy once the Decider may refuse reads and
// connects (SandboxSpec::decider_confines).
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/redteam_util.h"

namespace warden::redteam {
namespace {

class ContainedRedTeam : public RedTeam {
 protected:
  void SetUp() override {
    RedTeam::SetUp();
    contained_ = true;
  }
};

// The path-swap race (flipping a name between the allowed dir and $HOME's
// secret after the decision) with the supervisor as the only wall.
TEST_F(ContainedRedTeam, PathSwapRace) {
  Outcome o = Run("race", Wall::kSupervisorAlone);
  ExpectNothingEscaped(o, "race");
  long leaks = -1, ok = -1;
  for (absl::string_view line : absl::StrSplit(o.output, '\n')) {
    if (!absl::StartsWith(line, "RACE ")) continue;
    for (absl::string_view kv : absl::StrSplit(line.substr(5), ' ')) {
      std::pair<absl::string_view, absl::string_view> p = absl::StrSplit(kv, '=');
      if (p.first == "leaks") (void)absl::SimpleAtoi(p.second, &leaks);
      if (p.first == "ok") (void)absl::SimpleAtoi(p.second, &ok);
    }
  }
  EXPECT_GT(ok, 0) << "the race never opened the decoy\n" << Dump(o);
  EXPECT_EQ(leaks, 0) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

TEST_F(ContainedRedTeam, TcpConnect) {
  Outcome o = Run("tcp_connect", Wall::kSupervisorAlone);
  ExpectNothingEscaped(o, "tcp_connect");
  EXPECT_TRUE(Contains(o.output, "FAIL tcp-connect errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kConnect, absl::StrCat("tcp:127.0.0.1:", tcp_port_)))
      << Dump(o);
}

TEST_F(ContainedRedTeam, UdpSendtoAndSendmsg) {
  Outcome o = Run("udp_sendto", Wall::kSupervisorAlone);
  ExpectNothingEscaped(o, "udp_sendto");
  EXPECT_TRUE(Contains(o.output, "FAIL udp-sendto errno=13")) << Dump(o);
  // A datagram naming its own destination is refused as under enforce.
  o = Run("udp_sendmsg", Wall::kSupervisorAlone);
  ExpectNothingEscaped(o, "udp_sendmsg");
  EXPECT_TRUE(Contains(o.output, "FAIL udp-sendmsg errno=1")) << Dump(o);
}

}  // namespace
}  // namespace warden::redteam
