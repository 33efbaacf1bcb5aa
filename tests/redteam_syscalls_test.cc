// Red-team: syscalls that would bypass the supervisor (other ABIs, io_uring,
// handles, a second seccomp listener, namespaces, kernel interfaces).
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/redteam_util.h"

namespace warden::redteam {
namespace {

// --- Syscalls that bypass the supervisor ---------------------------------------

TEST_F(RedTeam, Openat2) {  // filter: ERRNO(ENOSYS)
  Outcome o = Run("openat2");
  ExpectNothingEscaped(o, "openat2");
  EXPECT_TRUE(Contains(o.output, "FAIL openat2 errno=38")) << Dump(o);
}

TEST_F(RedTeam, OpenByHandle) {  // filter: ERRNO
  Outcome o = Run("handle");
  ExpectNothingEscaped(o, "handle");
  EXPECT_TRUE(Contains(o.output, "FAIL name_to_handle_at")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL open_by_handle_at errno=1")) << Dump(o);
}

TEST_F(RedTeam, IoUring) {  // filter: ERRNO(ENOSYS)
  Outcome o = Run("io_uring");
  ExpectNothingEscaped(o, "io_uring");
  EXPECT_TRUE(Contains(o.output, "FAIL io_uring_setup errno=38")) << Dump(o);
}

TEST_F(RedTeam, Int80Open) {  // filter: bad ABI kills the process
  Outcome o = Run("int80_open");
  ExpectNothingEscaped(o, "int80_open", /*killed=*/true);
}

TEST_F(RedTeam, Int80Execve) {
  Outcome o = Run("int80_exec");
  ExpectNothingEscaped(o, "int80_exec", /*killed=*/true);
}

TEST_F(RedTeam, X32) {
  Outcome o = Run("x32");
  ExpectNothingEscaped(o, "x32", /*killed=*/true);
}

TEST_F(RedTeam, SeccompListener) {  // filter: ERRNO(EPERM)
  Outcome o = Run("seccomp_listener");
  ExpectNothingEscaped(o, "seccomp_listener");
  EXPECT_TRUE(Contains(o.output, "FAIL seccomp-new-listener errno=1")) << Dump(o);
  // An extra ALLOW filter cannot undo the listener: the open is still denied.
  EXPECT_TRUE(Contains(o.output, "FAIL open-after-prctl-seccomp errno=13"))
      << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

TEST_F(RedTeam, MemfdExec) {  // supervisor: exec decision
  Outcome o = Run("memfd_exec");
  ExpectNothingEscaped(o, "memfd_exec");
  EXPECT_TRUE(Contains(o.output, "FAIL execveat-memfd errno=13")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL execve-proc-self-fd-memfd errno=13"))
      << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kExec, "memfd:payload")) << Dump(o);
}

TEST_F(RedTeam, NamespacesAndMounts) {
  Outcome o = Run("namespaces");
  ExpectNothingEscaped(o, "namespaces");
  for (const char* what : {"unshare-newuser errno=1", "unshare-newns errno=1",
                           "setns-own errno=1", "open-init-ns errno=13",
                           "mount errno=1", "pivot_root errno=1", "chroot errno=1",
                           "clone-newns", "clone-newuser"})
    EXPECT_TRUE(Contains(o.output, absl::StrCat("FAIL ", what)))
        << what << "\n" << Dump(o);
  // clone with a single namespace flag reaches the supervisor as unknown.
  EXPECT_TRUE(HasDenied(o, Op::kSyscall, "clone")) << Dump(o);
  EXPECT_FALSE(Contains(o.output, "OK setns")) << Dump(o);
}

TEST_F(RedTeam, KernelInterfaces) {
  Outcome o = Run("kernel_ifaces");
  ExpectNothingEscaped(o, "kernel_ifaces");
  for (const char* what : {"bpf errno=1", "perf_event_open errno=13",
                           "keyctl errno=1", "userfaultfd errno=1",
                           "mknod-blockdev errno=1", "mknod-chardev errno=1",
                           "personality errno=38"})
    EXPECT_TRUE(Contains(o.output, absl::StrCat("FAIL ", what)))
        << what << "\n" << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kSyscall, "personality")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kCreate, allowed_ + "/disk")) << Dump(o);
  EXPECT_FALSE(fs::exists(allowed_ + "/disk"));
}

}  // namespace
}  // namespace warden::redteam
