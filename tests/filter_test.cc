// The seccomp program handed from cargo-warden to the supervisors.
#include "tracer/filter.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace warden {
namespace {

bool Same(const std::vector<sock_filter>& a, const std::vector<sock_filter>& b) {
  return a.size() == b.size() &&
         memcmp(a.data(), b.data(), a.size() * sizeof(sock_filter)) == 0;
}

FilterOptions Scoped(bool scoped) {
  FilterOptions options;
  options.signals_scoped = scoped;
  return options;
}

TEST(FilterFor, TakesTheProgramBuiltForTheSameOptions) {
  for (bool scoped : {false, true}) {
    absl::StatusOr<std::vector<sock_filter>> built = BuildFilter(Scoped(scoped));
    ASSERT_TRUE(built.ok());
    absl::StatusOr<std::vector<sock_filter>> taken =
        FilterFor(Scoped(scoped), EncodeFilter(Scoped(scoped), *built));
    ASSERT_TRUE(taken.ok());
    EXPECT_TRUE(Same(*taken, *built)) << "scoped=" << scoped;
  }
  // What is handed over is used as it is, not rebuilt.
  const std::vector<sock_filter> one = {BPF_STMT(BPF_RET | BPF_K, 0)};
  absl::StatusOr<std::vector<sock_filter>> taken =
      FilterFor(Scoped(true), EncodeFilter(Scoped(true), one));
  ASSERT_TRUE(taken.ok());
  EXPECT_TRUE(Same(*taken, one));
}

TEST(FilterFor, BuildsItsOwnForOtherOptionsOrBadText) {
  absl::StatusOr<std::vector<sock_filter>> scoped = BuildFilter(Scoped(true));
  absl::StatusOr<std::vector<sock_filter>> unscoped = BuildFilter(Scoped(false));
  ASSERT_TRUE(scoped.ok() && unscoped.ok());
  // Signals run without the supervisor only under Landlock's scoping.
  ASSERT_FALSE(Same(*scoped, *unscoped));
  const std::string handed = EncodeFilter(Scoped(true), *scoped);
  for (const std::string& text :
       {handed, std::string(""), std::string("unscoped:@@@"),
        "unscoped:" + handed.substr(handed.find(':') + 1, 6)}) {
    absl::StatusOr<std::vector<sock_filter>> got = FilterFor(Scoped(false), text);
    ASSERT_TRUE(got.ok());
    EXPECT_TRUE(Same(*got, *unscoped)) << text.substr(0, 20);
  }
}

}  // namespace
}  // namespace warden
