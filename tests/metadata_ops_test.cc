// Timestamp and extended-attribute calls are recorded as utime and xattr, not
// chmod, and need write access like chmod. The supervised runs re-execute
// this binary, which then makes the calls itself.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <set>
#include <string>
#include <string_view>

#include "gtest/gtest.h"
#include "tracer/event.h"
#include "tracer/supervisor.h"

namespace warden {
namespace {

constexpr char kChildFlag[] = "--metadata-ops-child";

// Child makes the calls of `mode` on `path` and exits with how many of them
// did not fail with EACCES.
[[noreturn]] void Child(std::string_view mode, const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  int wrong = fd < 0;
  auto expect_denied = [&wrong](int rc) { wrong += rc == 0 || errno != EACCES; };
  if (mode == "utime") {
    expect_denied(utimensat(AT_FDCWD, path, nullptr, 0));
    expect_denied(futimens(fd, nullptr));
  } else if (mode == "xattr") {
    expect_denied(setxattr(path, "user.warden", "x", 1, 0));
    expect_denied(lsetxattr(path, "user.warden", "x", 1, 0));
    expect_denied(removexattr(path, "user.warden"));
    expect_denied(fsetxattr(fd, "user.warden", "x", 1, 0));
    expect_denied(fremovexattr(fd, "user.warden"));
  } else if (mode == "fchmod") {
    expect_denied(fchmod(fd, 0600));
  } else {
    wrong = 100;
  }
  _exit(wrong);
}

// Allows the reads and the exec the program needs to start; denies every
// write-access op.
class DenyWrites : public Decider {
 public:
  bool Decide(const Event& event, std::string_view) override {
    return AccessOf(event.op) != Access::kWrite;
  }
};

class MetadataOps : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/warden-metadata-ops.XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    file_ = dir_ + "/file";
    int fd = open(file_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    close(fd);
  }
  void TearDown() override {
    unlink(file_.c_str());
    rmdir(dir_.c_str());
  }

  // DeniedOps runs the child in `mode` under the supervisor (enforce) and
  // returns the ops of the denied events on the file.
  std::set<Op> DeniedOps(const std::string& mode) {
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    EXPECT_GT(len, 0);
    SandboxSpec spec;
    spec.program = std::string(self, len > 0 ? len : 0);
    spec.argv = {spec.program, kChildFlag, mode, file_};
    spec.enforce = true;
    DenyWrites decider;
    EventLog log;
    absl::StatusOr<RunResult> run = RunSupervised(spec, decider, log);
    EXPECT_TRUE(run.ok()) << run.status();
    if (run.ok()) {
      EXPECT_EQ(run->exit_status, 0) << mode << ": calls not denied";
    }
    std::set<Op> ops;
    for (const Event& e : log.Events())
      if (!e.allowed && e.target == file_) ops.insert(e.op);
    return ops;
  }

  std::string dir_, file_;
};

TEST_F(MetadataOps, TimestampsAreUtime) {
  EXPECT_EQ(DeniedOps("utime"), std::set<Op>{Op::kUtime});
}

TEST_F(MetadataOps, ExtendedAttributesAreXattr) {
  EXPECT_EQ(DeniedOps("xattr"), std::set<Op>{Op::kXattr});
}

TEST_F(MetadataOps, FchmodStaysChmod) {
  EXPECT_EQ(DeniedOps("fchmod"), std::set<Op>{Op::kChmod});
}

TEST(OpNames, NewOpsRoundTripAndNeedWrite) {
  for (Op op : {Op::kUtime, Op::kXattr}) {
    EXPECT_EQ(OpFromName(OpName(op)), op) << OpName(op);
    EXPECT_EQ(AccessOf(op), Access::kWrite) << OpName(op);
  }
  EXPECT_EQ(OpName(Op::kUtime), "utime");
  EXPECT_EQ(OpName(Op::kXattr), "xattr");
}

// The database holds these strings: existing ones must never change.
TEST(OpNames, StoredNamesAreUnchanged) {
  std::string names;
  for (int i = 0; i <= static_cast<int>(Op::kDirective); ++i) {
    if (!names.empty()) names += ' ';
    names += OpName(static_cast<Op>(i));
  }
  EXPECT_EQ(names,
            "read write create unlink rename mkdir rmdir link symlink chmod "
            "chown truncate utime xattr exec connect bind socket signal "
            "syscall directive");
}

}  // namespace
}  // namespace warden

int main(int argc, char** argv) {
  if (argc == 4 && strcmp(argv[1], warden::kChildFlag) == 0)
    warden::Child(argv[2], argv[3]);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
