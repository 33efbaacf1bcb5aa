#include "tools/protocol.h"

#include <vector>

#include "gtest/gtest.h"

namespace warden {
namespace {

using Fds = std::vector<int>;

TEST(Mode, NamesRoundTripAndNothingElseParses) {
  for (Mode mode : {Mode::kLearn, Mode::kContainedLearn, Mode::kEnforce})
    EXPECT_EQ(ParseMode(ModeName(mode)), mode);
  EXPECT_STREQ(ModeName(Mode::kContainedLearn), "learn-contained");
  EXPECT_EQ(ParseMode(""), std::nullopt);
  EXPECT_EQ(ParseMode("contained"), std::nullopt);
}

TEST(JobserverFds, CargoPassesBothSpellings) {
  // What cargo sets: the old and the new flag, naming the same pipe.
  EXPECT_EQ(JobserverFds("-j --jobserver-fds=3,4 --jobserver-auth=3,4"),
            Fds({3, 4}));
}

TEST(JobserverFds, EitherFlagAlone) {
  EXPECT_EQ(JobserverFds("--jobserver-fds=7,8"), Fds({7, 8}));
  EXPECT_EQ(JobserverFds("-j4 --jobserver-auth=5,6"), Fds({5, 6}));
  EXPECT_EQ(JobserverFds(" -j\t--jobserver-auth=9,9 "), Fds({9}));
}

TEST(JobserverFds, DifferentPairsAreAllKept) {
  EXPECT_EQ(JobserverFds("--jobserver-fds=3,4 --jobserver-auth=5,6"),
            Fds({3, 4, 5, 6}));
}

TEST(JobserverFds, FifoNamesNoDescriptor) {
  EXPECT_EQ(JobserverFds("-j --jobserver-auth=fifo:/tmp/GMfifo123"), Fds());
}

TEST(JobserverFds, NothingOrMalformed) {
  EXPECT_EQ(JobserverFds(""), Fds());
  EXPECT_EQ(JobserverFds("-j8 -k"), Fds());
  EXPECT_EQ(JobserverFds("--jobserver-auth=3"), Fds());
  EXPECT_EQ(JobserverFds("--jobserver-auth=3,"), Fds());
  EXPECT_EQ(JobserverFds("--jobserver-auth=a,b"), Fds());
  EXPECT_EQ(JobserverFds("--jobserver-auth=3,4x"), Fds());
  EXPECT_EQ(JobserverFds("--jobserver-auth=-2,-2"), Fds());  // make: none
  EXPECT_EQ(JobserverFds("--jobserver-auth=99999999999,4"), Fds());
  EXPECT_EQ(JobserverFds("x--jobserver-auth=3,4"), Fds());
}

}  // namespace
}  // namespace warden
