// Red-team: reading the secret through the file system, writing outside the
// allowed dirs, and the path-swap race (with and without Landlock).
#include <filesystem>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/redteam_util.h"

namespace warden::redteam {
namespace {

// --- Reading the secret through the file system -----------------------------

TEST_F(RedTeam, PlainOpen) {
  Outcome o = Run("open");
  ExpectNothingEscaped(o, "open");
  EXPECT_TRUE(Contains(o.output, "FAIL open errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

TEST_F(RedTeam, SymlinkInAllowedDir) {
  Outcome o = Run("symlink");
  ExpectNothingEscaped(o, "symlink");
  EXPECT_TRUE(Contains(o.output, "FAIL open-through-symlink")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

TEST_F(RedTeam, HardLinkIntoAllowedDir) {
  Outcome o = Run("hardlink");
  ExpectNothingEscaped(o, "hardlink");
  EXPECT_TRUE(Contains(o.output, "FAIL link errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kLink, secret_)) << Dump(o);
  EXPECT_FALSE(fs::exists(allowed_ + "/secret-hardlink"));
}

TEST_F(RedTeam, DotDotTraversal) {
  Outcome o = Run("dotdot");
  ExpectNothingEscaped(o, "dotdot");
  EXPECT_TRUE(Contains(o.output, "FAIL dotdot errno=13")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL openat-dotdot errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

TEST_F(RedTeam, ProcSelfRootAndReopen) {
  Outcome o = Run("procroot");
  ExpectNothingEscaped(o, "procroot");
  EXPECT_TRUE(Contains(o.output, "FAIL proc-self-root errno=13")) << Dump(o);
  EXPECT_TRUE(Contains(o.output, "FAIL reopen-o-path errno=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

// --- Writing outside the allowed dirs ------------------------------------------

TEST_F(RedTeam, WriteCanary) {
  Outcome o = Run("write_canary");
  ExpectNothingEscaped(o, "write_canary");
  for (const char* what :
       {"open-wronly-trunc errno=13", "open-rdwr errno=13", "open-append errno=13",
        "creat errno=13", "rename-over-canary errno=13",
        "renameat2-exchange errno=13", "unlink-canary errno=13",
        "chmod-canary errno=13", "truncate-canary errno=13",
        "utimensat-canary errno=13", "link-canary errno=13",
        "open-symlink errno=13", "truncate-symlink errno=13",
        "rename-canary-away errno=13"})
    EXPECT_TRUE(Contains(o.output, absl::StrCat("FAIL ", what)))
        << what << "\n" << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kWrite, canary_)) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRename, canary_)) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kUnlink, canary_)) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kChmod, canary_)) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kTruncate, canary_)) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kLink, canary_)) << Dump(o);
}

// --- The path-swap race ----------------------------------------------------------

struct RaceCount {
  long opens = -1, ok = -1, leaks = -1;
};

RaceCount ParseRace(const std::string& output) {
  RaceCount c;
  for (absl::string_view line : absl::StrSplit(output, '\n')) {
    if (!absl::StartsWith(line, "RACE ")) continue;
    for (absl::string_view kv : absl::StrSplit(line.substr(5), ' ')) {
      std::pair<absl::string_view, absl::string_view> p = absl::StrSplit(kv, '=');
      long v = -1;
      if (!absl::SimpleAtoi(p.second, &v)) continue;
      if (p.first == "opens") c.opens = v;
      if (p.first == "ok") c.ok = v;
      if (p.first == "leaks") c.leaks = v;
    }
  }
  return c;
}

TEST_F(RedTeam, PathSwapRace) {
  Outcome o = Run("race");
  ExpectNothingEscaped(o, "race");
  RaceCount c = ParseRace(o.output);
  std::cerr << "race with Landlock: opens=" << c.opens << " ok=" << c.ok
            << " leaks=" << c.leaks << "\n";
  EXPECT_GE(c.opens, 100000) << Dump(o);
  EXPECT_GT(c.ok, 0) << "the race never opened the decoy\n" << Dump(o);
  EXPECT_EQ(c.leaks, 0) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << "the race never hit the secret\n"
                                                << Dump(o);
}

// Handing over an fd pins the tracee to the supervisor's CPU for the round
// trip (SameCpu in supervisor.cc); its own CPU mask must be as it was after.
TEST_F(RedTeam, FdHandOverLeavesCpuMaskAlone) {
  Outcome o = Run("affinity");
  ExpectNothingEscaped(o, "affinity");
  EXPECT_TRUE(Contains(o.output, "AFFINITY opened=200 changed=0")) << Dump(o);
}

// The same race with the supervisor as the only wall (no Landlock file rules).
TEST_F(RedTeam, PathSwapRaceSupervisorAlone) {
  Outcome o = Run("race", Wall::kSupervisorAlone);
  ExpectNothingEscaped(o, "race");
  RaceCount c = ParseRace(o.output);
  std::cerr << "race without Landlock: opens=" << c.opens << " ok=" << c.ok
            << " leaks=" << c.leaks << "\n";
  EXPECT_GE(c.opens, 100000) << Dump(o);
  EXPECT_GT(c.ok, 0) << Dump(o);
  EXPECT_EQ(c.leaks, 0) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

// The openats the supervisor answered with `answer` ("continue": the kernel
// checked them under the plan; "emulated": the supervisor performed them).
uint64_t OpenatCalls(const Outcome& o, std::string_view answer) {
  uint64_t calls = 0;
  if (o.result.ok())
    for (const CallCost& c : o.result->costs)
      if (c.syscall == "openat" && c.answer == answer) calls += c.calls;
  return calls;
}

// The same race where allowed reads are answered CONTINUE: the kernel
// reopens the swapped path, and only its exact rules stand in the way.
TEST_F(RedTeam, PathSwapRaceExactPlan) {
  Outcome o = Run("race", Wall::kExactPlan);
  ExpectNothingEscaped(o, "race");
  RaceCount c = ParseRace(o.output);
  std::cerr << "race with the exact plan: opens=" << c.opens << " ok=" << c.ok
            << " leaks=" << c.leaks
            << " continued=" << OpenatCalls(o, "continue") << "\n";
  EXPECT_GE(c.opens, 100000) << Dump(o);
  EXPECT_GT(c.ok, 0) << Dump(o);
  EXPECT_EQ(c.leaks, 0) << Dump(o);
  EXPECT_GT(OpenatCalls(o, "continue"), 0u)
      << "the exact plan answered no read";
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

// Names in the secret's dir other than the secret: what a write race created.
std::vector<std::string> Planted(const std::string& dir, const std::string& secret) {
  std::vector<std::string> planted;
  for (const fs::directory_entry& e : fs::directory_iterator(dir))
    if (e.path() != secret) planted.push_back(e.path());
  return planted;
}

// The race on writes and creates answered CONTINUE, the kernel checking
// them: appends and creates through a path that flips into the secret's
// dir, which the Decider refuses, must not write there.
class WriteRace : public RedTeam {
 protected:
  void ExpectHeld(const Outcome& o) {
    ASSERT_TRUE(o.result.ok()) << o.result.status();
    RaceCount c = ParseRace(o.output);
    std::cerr << "write race: opens=" << c.opens << " ok=" << c.ok
              << " emulated=" << OpenatCalls(o, "emulated") << "\n";
    EXPECT_GE(c.opens, 59999) << Dump(o);
    EXPECT_GT(c.ok, 0) << "the race never wrote the decoy\n" << Dump(o);
    // The successful writes and creates were the kernel's, not handed over.
    EXPECT_LT(OpenatCalls(o, "emulated"), static_cast<uint64_t>(c.ok) / 2)
        << Dump(o);
    EXPECT_EQ(ReadAll(secret_), secret_token_);
    EXPECT_TRUE(Planted(secret_dir_, secret_).empty());
    EXPECT_TRUE(HasDenied(o, Op::kWrite, secret_)) << "the race never hit the secret\n"
                                                   << Dump(o);
  }
};

TEST_F(WriteRace, UnderLearn) {
  extra_env_ = {"HOSTILE_RACE_OPENS=60000"};
  ExpectHeld(Run("write_race", Wall::kLearnWrites));
}

TEST_F(WriteRace, UnderTheExactPlan) {
  extra_env_ = {"HOSTILE_RACE_OPENS=60000"};
  Outcome o = Run("write_race", Wall::kExactPlan);
  ExpectNothingEscaped(o, "write_race");
  ExpectHeld(o);
}

// The same races with the secret's dir among the kernel's write rules
// must reach it, or the tests above prove nothing.
TEST_F(WriteRace, NeedsTheWall) {
  extra_env_ = {"HOSTILE_RACE_OPENS=60000"};
  extra_outputs_ = {secret_dir_};
  for (Wall wall : {Wall::kLearnWrites, Wall::kExactPlan}) {
    Outcome o = Run("write_race", wall);
    ASSERT_TRUE(o.result.ok()) << o.result.status();
    const bool written = ReadAll(secret_) != secret_token_;
    const size_t planted = Planted(secret_dir_, secret_).size();
    std::cerr << "write race, secret's dir writable: secret written=" << written
              << " names planted=" << planted << "\n";
    EXPECT_TRUE(written || planted > 0) << Dump(o);
    WriteAll(secret_, secret_token_);
    for (const std::string& name : Planted(secret_dir_, secret_)) fs::remove(name);
  }
}

TEST_F(RedTeam, FileTechniquesUnderTheExactPlan) {
  for (const char* mode : {"open", "symlink", "hardlink", "dotdot", "procroot",
                           "proc_fd", "openat2", "handle"}) {
    SCOPED_TRACE(mode);
    ExpectNothingEscaped(Run(mode, Wall::kExactPlan), mode);
  }
}

// A script whose "#!" interpreter the exact plan does not let the kernel
// read fails as the kernel fails it, EACCES, and the report says why.
TEST_F(RedTeam, ExactPlanReportsAnInterpreterItCannotRun) {
  const std::string interpreter = outside_ + "/sh";
  fs::copy_file("/bin/sh", interpreter);
  ASSERT_EQ(chmod(interpreter.c_str(), 0755), 0);
  const std::string script = allowed_ + "/script";
  WriteAll(script, "#!" + interpreter + "\nexit 7\n");
  ASSERT_EQ(chmod(script.c_str(), 0755), 0);
  extra_env_ = {"HOSTILE_EXEC=" + script};
  Outcome o = Run("exec_file", Wall::kExactPlan);
  ExpectNothingEscaped(o, "exec_file");
  EXPECT_TRUE(Contains(o.output, "EXEC exit=13")) << Dump(o);
  EXPECT_TRUE(HasDenied(o, Op::kExec, interpreter)) << Dump(o);
  // A readable interpreter runs it.
  WriteAll(script, "#!/bin/sh\nexit 7\n");
  o = Run("exec_file", Wall::kExactPlan);
  EXPECT_TRUE(Contains(o.output, "EXEC exit=7")) << Dump(o);
}

// The symlink technique with the supervisor as the only wall.
TEST_F(RedTeam, SymlinkSupervisorAlone) {
  Outcome o = Run("symlink", Wall::kSupervisorAlone);
  ExpectNothingEscaped(o, "symlink");
  EXPECT_TRUE(HasDenied(o, Op::kRead, secret_)) << Dump(o);
}

}  // namespace
}  // namespace warden::redteam
