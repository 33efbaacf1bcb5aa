// Colour rules of --color / CARGO_TERM_COLOR / tty, and cargo's status column.
#include "tools/term.h"

#include <gtest/gtest.h>

namespace warden {
namespace {

TEST(TermTest, ParsesTheThreeModes) {
  EXPECT_EQ(*ParseColourMode("auto"), ColourMode::kAuto);
  EXPECT_EQ(*ParseColourMode("always"), ColourMode::kAlways);
  EXPECT_EQ(*ParseColourMode("never"), ColourMode::kNever);
  EXPECT_FALSE(ParseColourMode("yes").ok());
}

TEST(TermTest, AutoFollowsTheTty) {
  EXPECT_TRUE(UseColour(ColourMode::kAuto, nullptr, true));
  EXPECT_FALSE(UseColour(ColourMode::kAuto, nullptr, false));
}

TEST(TermTest, EnvironmentDecidesWhenTheFlagIsAuto) {
  EXPECT_TRUE(UseColour(ColourMode::kAuto, "always", false));
  EXPECT_FALSE(UseColour(ColourMode::kAuto, "never", true));
  EXPECT_TRUE(UseColour(ColourMode::kAuto, "auto", true));
  EXPECT_FALSE(UseColour(ColourMode::kAuto, "bogus", false));
}

TEST(TermTest, FlagBeatsEnvironmentAndTty) {
  EXPECT_FALSE(UseColour(ColourMode::kNever, "always", true));
  EXPECT_TRUE(UseColour(ColourMode::kAlways, "never", false));
}

TEST(TermTest, StatusWordIsRightAlignedToTwelve) {
  EXPECT_EQ(StatusLine("Enforcing", "demo v0.1.0", Style::kGreen, false),
            "   Enforcing demo v0.1.0\n");
  EXPECT_EQ(StatusLine("Denied", "x", Style::kRed, false), "      Denied x\n");
}

TEST(TermTest, ColourWrapsOnlyTheWord) {
  EXPECT_EQ(StatusLine("Finished", "ok", Style::kGreen, true),
            "    \x1b[1m\x1b[32mFinished\x1b[0m ok\n");
}

}  // namespace
}  // namespace warden
