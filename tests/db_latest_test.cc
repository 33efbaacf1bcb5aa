// Store::LatestInvocations: the newest invocation of each build script
// (package, version, source, binary hash) among a workspace's runs of a mode.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "db/store.h"
#include "tests/db_test_util.h"

namespace warden {
namespace {

using namespace dbtest;

class LatestInvocationsTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_ = OpenStore();
    ASSERT_NE(store_, nullptr);
  }

  int64_t Run(const std::string& workspace, const std::string& mode) {
    RunRecord run = MakeRun(workspace, ++clock_);
    run.mode = mode;
    absl::StatusOr<int64_t> id = store_->BeginRun(run);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(0);
  }

  int64_t Invoke(int64_t run_id, const std::string& package,
                 const std::string& version, char hash = 'a',
                 const std::string& source = "registry") {
    InvocationRecord inv = MakeInvocation(run_id, package);
    inv.version = version;
    inv.source = source;
    inv.binary_sha256 = std::string(64, hash);
    absl::StatusOr<int64_t> id = store_->AddInvocation(inv, {});
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(0);
  }

  std::vector<int64_t> LatestIds(const std::string& workspace,
                                 const std::string& mode = "learn") {
    absl::StatusOr<std::vector<InvocationRecord>> latest =
        store_->LatestInvocations(workspace, mode);
    EXPECT_TRUE(latest.ok()) << latest.status();
    std::vector<int64_t> ids;
    if (!latest.ok()) return ids;
    for (const InvocationRecord& inv : *latest) ids.push_back(inv.id);
    return ids;
  }

  std::unique_ptr<Store> store_;
  int64_t clock_ = 0;
};

TEST_F(LatestInvocationsTest, NewestPerPackageVersionSourceAndHash) {
  const int64_t first = Run("/ws", "learn");
  Invoke(first, "libz-sys", "1.1.8");
  const int64_t old_gen = Invoke(first, "demo-gen", "0.1.0", 'a', "path");
  const int64_t second = Run("/ws", "learn");
  const int64_t zlib = Invoke(second, "libz-sys", "1.1.8");
  // Another version, source or build-script binary is another build script.
  const int64_t upgraded = Invoke(second, "libz-sys", "1.1.9");
  const int64_t vendored = Invoke(second, "libz-sys", "1.1.8", 'a', "path");
  const int64_t featured = Invoke(second, "libz-sys", "1.1.8", 'b');
  EXPECT_EQ(LatestIds("/ws"),
            (std::vector<int64_t>{old_gen, zlib, upgraded, vendored, featured}));
}

TEST_F(LatestInvocationsTest, OnlyTheWorkspaceAndModeAsked) {
  const int64_t learn = Run("/ws", "learn");
  const int64_t kept = Invoke(learn, "libz-sys", "1.1.8");
  Invoke(Run("/ws", "enforce"), "libz-sys", "1.1.8");
  Invoke(Run("/other", "learn"), "libz-sys", "1.1.8");
  EXPECT_EQ(LatestIds("/ws"), std::vector<int64_t>{kept});
  EXPECT_EQ(LatestIds("/ws", "enforce").size(), 1u);
  EXPECT_TRUE(LatestIds("/nowhere").empty());
}

TEST_F(LatestInvocationsTest, RecordsReadBackWhole) {
  const int64_t run = Run("/ws", "learn");
  InvocationRecord inv = MakeInvocation(run, "openssl-sys");
  absl::StatusOr<int64_t> id = store_->AddInvocation(inv, {});
  ASSERT_TRUE(id.ok()) << id.status();
  inv.id = *id;
  absl::StatusOr<std::vector<InvocationRecord>> latest =
      store_->LatestInvocations("/ws", "learn");
  ASSERT_TRUE(latest.ok()) << latest.status();
  ASSERT_EQ(latest->size(), 1u);
  EXPECT_EQ(Tie(latest->front()), Tie(inv));
}

}  // namespace
}  // namespace warden
