// Red-team: what the parents left open: the user's terminal and
// descriptors inherited without O_CLOEXEC.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/redteam_util.h"

namespace warden::redteam {
namespace {

// --- The terminal ----------------------------------------------------------------

struct Pty {
  int master = -1, slave = -1;
  bool Open() {
    master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return false;
    const char* name = ptsname(master);
    if (name == nullptr) return false;
    slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0) return false;
    termios t;
    tcgetattr(slave, &t);
    cfmakeraw(&t);
    tcsetattr(slave, TCSANOW, &t);
    return true;
  }
  // Input queued on the terminal, as if typed by the user.
  std::string Injected() const {
    int flags = fcntl(slave, F_GETFL);
    fcntl(slave, F_SETFL, flags | O_NONBLOCK);
    char buf[256];
    ssize_t n = read(slave, buf, sizeof buf);
    fcntl(slave, F_SETFL, flags);
    return n > 0 ? std::string(buf, n) : "";
  }
  ~Pty() {
    if (slave >= 0) close(slave);
    if (master >= 0) close(master);
  }
};

// The build script inherits the user's terminal as stdin/stdout (cargo does
// not redirect them). With CAP_SYS_ADMIN (root in CI containers) TIOCSTI
// works on any terminal, controlling or not.
TEST_F(RedTeam, TiocstiOnInheritedTerminal) {
  Pty pty;
  ASSERT_TRUE(pty.Open());
  int saved = dup(0);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(dup2(pty.slave, 0), 0);
  Outcome o = Run("tiocsti");
  dup2(saved, 0);
  close(saved);
  ExpectNothingEscaped(o, "tiocsti");
  EXPECT_TRUE(Contains(o.output, "FAIL open-dev-tty")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL tiocsti errno=1")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL tiocsti-high-bits")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "INFO tcgets rc=0")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "INFO tcgets-high-bits rc=0")) << Dump(o);
  EXPECT_EQ(pty.Injected(), "");
}

// The supervisor runs in the user's terminal session. A policy that allows
// /dev/tty (shells open it) must not hand out the supervisor's controlling
// terminal: the sandboxed tree has none (it runs in a session of its own).
TEST_F(RedTeam, DevTtyIsNotTheSupervisorsTerminal) {
  Pty pty;
  ASSERT_TRUE(pty.Open());
  const char* name = ptsname(pty.master);
  ASSERT_NE(name, nullptr);
  std::string slave_name = name;
  fflush(nullptr);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // A stand-in for cargo-warden run from a terminal: session leader with
    // the pty as its controlling terminal.
    setsid();
    int ctty = open(slave_name.c_str(), O_RDWR);
    if (ctty < 0 || ioctl(ctty, TIOCSCTTY, 0) != 0) _exit(10);
    Outcome o = Run("tiocsti");
    if (!o.result.ok()) _exit(11);
    if (Contains(o.output, "OK opened /dev/tty")) _exit(12);
    if (Contains(o.output, "OK TIOCSTI")) _exit(13);
    if (!Contains(o.output, "END tiocsti")) _exit(14);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "10: no pty, 11: run failed, 12: /dev/tty opened, 13: TIOCSTI "
         "worked, 14: hostile did not finish\n"
      << ReadAll(allowed_ + "/out.txt");
  EXPECT_EQ(pty.Injected(), "");
}

// --- What the parents left open ----------------------------------------------

// cargo and the user's shell may leave descriptors open without O_CLOEXEC;
// reading a held fd is never trapped and Landlock checks only opens. Only
// keep_fds (the jobserver) may reach the program.
TEST_F(RedTeam, InheritedDescriptors) {
  const std::string kept_token = RandomToken("WARDEN-KEPT");
  const std::string kept_path = outside_ + "/kept.txt";
  WriteAll(kept_path, kept_token);
  // Secrets below and above the kept fd: both gaps must be closed.
  int low = open(secret_.c_str(), O_RDONLY);
  ASSERT_GE(low, 0);
  int kept_raw = open(kept_path.c_str(), O_RDONLY);
  ASSERT_GE(kept_raw, 0);
  int high_raw = open(secret_.c_str(), O_RDONLY);
  ASSERT_GE(high_raw, 0);
  int kept = fcntl(kept_raw, F_DUPFD, 200);
  int high = fcntl(high_raw, F_DUPFD, 300);
  close(kept_raw);
  close(high_raw);
  ASSERT_GE(kept, 200);
  ASSERT_GE(high, 300);
  extra_env_ = {absl::StrCat("HOSTILE_INHERITED_FDS=", low, ",", high),
                absl::StrCat("HOSTILE_KEPT_FD=", kept)};
  keep_fds_ = {kept};
  Outcome o = Run("inherited_fd");
  for (int fd : {low, kept, high}) close(fd);
  ExpectNothingEscaped(o, "inherited_fd");
  EXPECT_TRUE(Contains(o.output, absl::StrCat("FAIL inherited-fd-", low, " errno=9")))
      << Dump(o);
  EXPECT_TRUE(Contains(o.output, absl::StrCat("FAIL inherited-fd-", high, " errno=9")))
      << Dump(o);
  EXPECT_TRUE(Contains(o.output, "KEPT read " + std::to_string(kept_token.size()) +
                                     " bytes: " + kept_token))
      << Dump(o);
}

}  // namespace
}  // namespace warden::redteam
