// LockedPackages: every package of a Cargo.lock with its source kind.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <tuple>
#include <vector>

#include "tests/scratch_dir.h"
#include "tools/cargo_files.h"

namespace warden {
namespace {

using Row = std::tuple<std::string, std::string, std::string>;

TEST(LockedPackages, EachPackageWithItsSourceKind) {
  ScratchDir scratch("warden-locked-packages");
  ASSERT_FALSE(scratch.path().empty());
  const std::string lock = scratch.path() / "Cargo.lock";
  std::ofstream(lock) << R"(version = 3

[[package]]
name = "app"
version = "0.1.0"

[[package]]
name = "libz-sys"
version = "1.1.8"
source = "git+https://github.com/rust-lang/libz-sys#8d6c6e8a"

[[package]]
name = "ring"
version = "0.17.8"
source = "sparse+https://index.crates.io/"
)";
  absl::StatusOr<std::vector<PackageId>> packages = LockedPackages(lock);
  ASSERT_TRUE(packages.ok()) << packages.status();
  std::vector<Row> rows;
  for (const PackageId& p : *packages) rows.emplace_back(p.name, p.version, p.source);
  EXPECT_EQ(rows, (std::vector<Row>{{"app", "0.1.0", "path"},
                                    {"libz-sys", "1.1.8", "git"},
                                    {"ring", "0.17.8", "registry"}}));
  EXPECT_FALSE(LockedPackages(scratch.path() / "missing.lock").ok());
}

}  // namespace
}  // namespace warden
