// warden-microbench: microseconds per request under the supervisor, against
// the same loop with no filter. Prints one line per case:
//   case  us_per_call  (baseline us_per_call)
//
//   warden-microbench            # all cases
// Each case runs the loop in a child: once unconfined, once under
// RunSupervised (enforce mode unless the case says learn) with a decider that
// allows the file (or denies it, for the "denied open" case). Min of several
// rounds.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tracer/supervisor.h"

namespace {

using Clock = std::chrono::steady_clock;

// Loops, run in the measured process; print elapsed ns per call.
int LoopOpen(const char* path, int n) {
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) close(fd);
  }
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
  printf("%.3f\n", ns / 1000.0 / n);
  return 0;
}

int LoopExec(int n) {
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      execl("/bin/true", "true", nullptr);
      _exit(127);
    }
    waitpid(pid, nullptr, 0);
  }
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - t0).count();
  printf("%.3f\n", ns / 1000.0 / n);
  return 0;
}

class FileDecider : public warden::Decider {
 public:
  explicit FileDecider(bool allow) : allow_(allow) {}
  bool Decide(const warden::Event& e, std::string_view) override {
    if (e.target.find("warden-microbench-file") != std::string::npos) return allow_;
    return true;
  }

 private:
  bool allow_;
};

// Measure runs `self loop-* ARGS` and returns the child's printed figure.
double Measure(const std::string& self, std::vector<std::string> args,
               bool supervised, bool allow, bool enforce) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  std::vector<std::string> argv = {self};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    if (!supervised) {
      std::vector<char*> a;
      for (auto& s : argv) a.push_back(s.data());
      a.push_back(nullptr);
      execv(self.c_str(), a.data());
      _exit(127);
    }
    warden::SandboxSpec spec;
    spec.program = self;
    spec.argv = argv;
    for (char** e = environ; *e; ++e) spec.env.push_back(*e);
    spec.enforce = enforce;
    spec.landlock.scope = true;
    warden::EventLog log;
    FileDecider decider(allow);
    auto r = warden::RunSupervised(spec, decider, log);
    _exit(r.ok() ? r->exit_status : 1);
  }
  close(fds[1]);
  char buf[64] = {};
  ssize_t got = read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  waitpid(pid, nullptr, 0);
  return got > 0 ? atof(buf) : -1;
}

double MinOf(int rounds, const std::string& self, std::vector<std::string> args,
             bool supervised, bool allow, bool enforce) {
  double best = 1e9;
  for (int i = 0; i < rounds; ++i) {
    double v = Measure(self, args, supervised, allow, enforce);
    if (v > 0 && v < best) best = v;
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && strcmp(argv[1], "loop-open") == 0)
    return LoopOpen(argv[2], atoi(argv[3]));
  if (argc >= 3 && strcmp(argv[1], "loop-exec") == 0) return LoopExec(atoi(argv[2]));
  std::string self = "/proc/self/exe";
  char resolved[4096];
  ssize_t n = readlink("/proc/self/exe", resolved, sizeof resolved - 1);
  if (n > 0) self.assign(resolved, n);
  std::string file = "/tmp/warden-microbench-file";
  FILE* f = fopen(file.c_str(), "w");
  if (f) fclose(f);
  const int rounds = 5;
  printf("%-22s %12s %12s %8s\n", "case", "us/call", "untrapped", "added");
  struct Case {
    const char* name;
    std::vector<std::string> args;
    bool allow;
    bool enforce;
  } cases[] = {
      {"open (allowed)", {"loop-open", file, "20000"}, true, true},
      {"open (allowed, learn)", {"loop-open", file, "20000"}, true, false},
      {"open (denied)", {"loop-open", file, "20000"}, false, true},
      {"open (ENOENT probe)", {"loop-open", "/nonexistent/x.so", "20000"}, true, true},
      {"fork+exec /bin/true", {"loop-exec", "300"}, true, true},
  };
  for (const Case& c : cases) {
    double base = MinOf(rounds, self, c.args, false, true, true);
    double sup = MinOf(rounds, self, c.args, true, c.allow, c.enforce);
    printf("%-22s %12.2f %12.2f %8.2f\n", c.name, sup, base, sup - base);
  }
  unlink(file.c_str());
  return 0;
}
