// warden-microbench: microseconds per request under the supervisor, against
// the same loop with no filter, and the kernel's floor beside them. Prints
// one line per case:
//   case  us_per_call  untrapped_us_per_call  added
//
//   warden-microbench            # all cases
// Each case runs the loop in a child: once unconfined, once under
// RunSupervised (enforce mode unless the case says learn) with a decider that
// allows the file (or denies it, for the "denied open" case); the "exact"
// case adds an exact Landlock plan (the file, the program and its loader),
// under which allowed reads are answered CONTINUE, as enforce does when the
// policy allows such a plan (policy/sandbox_plan.h). The "floor"
// cases run the same open loop under a bare supervisor that does only what
// the kernel needs, with both on one CPU (the best case): answer CONTINUE, or
// emulate (read the path, open it, readlink it, ADDFD with SEND). Min of
// several rounds.
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tracer/landlock.h"
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

constexpr char kFile[] = "/tmp/warden-microbench-file";

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

// Supervision is how a case runs under the supervisor.
struct Supervision {
  bool allow = true;    // the decider allows the file
  bool enforce = true;  // else learn
  // An exact Landlock plan holds the kernel to the file, the program and
  // its loader, and allowed reads of the file are answered CONTINUE.
  bool kernel_reads = false;
};

// Measure runs `self loop-* ARGS`, under `supervision` unless it is null,
// and returns the child's printed figure.
double Measure(const std::string& self, std::vector<std::string> args,
               const Supervision* supervision) {
  int fds[2];
  if (pipe(fds) != 0) return -1;
  std::vector<std::string> argv = {self};
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    if (supervision == nullptr) {
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
    spec.enforce = supervision->enforce;
    spec.landlock.scope = true;
    if (supervision->kernel_reads) {
      spec.landlock.restrict_fs = true;
      spec.landlock.read_paths = warden::ExecLoads(self);
      spec.landlock.read_paths.push_back(self);
      spec.landlock.read_paths.push_back(kFile);
      spec.kernel_rechecks_reads = true;
    }
    warden::EventLog log;
    FileDecider decider(supervision->allow);
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

// Floor runs `self loop-open FILE N` with only openat trapped, served by a
// bare loop in this process: CONTINUE, or emulation. Both pinned to one CPU.
double Floor(const std::string& self, const std::string& file, bool emulate) {
  int fds[2], report[2], go[2];
  if (pipe(fds) != 0 || pipe(report) != 0 || pipe(go) != 0) return -1;
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(sched_getcpu(), &one);
  sched_setaffinity(0, sizeof one, &one);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(openat), 0);
    if (seccomp_load(ctx) != 0) _exit(126);
    int listener = seccomp_notify_fd(ctx);
    (void)!write(report[1], &listener, sizeof listener);
    // The listener closes at exec: wait until the parent holds its copy.
    char ok;
    if (read(go[0], &ok, 1) != 1) _exit(125);
    execl(self.c_str(), self.c_str(), "loop-open", file.c_str(), "20000",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  int child_fd = -1;
  (void)!read(report[0], &child_fd, sizeof child_fd);
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  int listener = static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, child_fd, 0));
  (void)!write(go[1], "g", 1);
  close(go[0]);
  close(go[1]);
  for (;;) {
    pollfd p = {listener, POLLIN, 0};
    if (poll(&p, 1, -1) < 0 || !(p.revents & POLLIN)) break;
    seccomp_notif req;
    memset(&req, 0, sizeof req);
    if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) continue;
    seccomp_notif_resp resp;
    memset(&resp, 0, sizeof resp);
    resp.id = req.id;
    if (!emulate) {
      resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
      continue;
    }
    char path[4096] = {};
    iovec local{path, sizeof path - 1};
    const uint64_t at = req.data.args[1];
    iovec remote{reinterpret_cast<void*>(at), 4096 - at % 4096};
    process_vm_readv(req.pid, &local, 1, &remote, 1, 0);
    int fd = open(path, static_cast<int>(req.data.args[2]) | O_CLOEXEC);
    char link[64], real[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    (void)!readlink(link, real, sizeof real);
    seccomp_notif_addfd addfd;
    memset(&addfd, 0, sizeof addfd);
    addfd.id = req.id;
    addfd.flags = SECCOMP_ADDFD_FLAG_SEND;
    addfd.srcfd = static_cast<__u32>(fd);
    if (fd < 0 || ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &addfd) < 0) {
      resp.error = -ENOENT;
      ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    }
    if (fd >= 0) close(fd);
  }
  char buf[64] = {};
  ssize_t got = read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  close(report[0]);
  close(report[1]);
  close(listener);
  close(pidfd);
  waitpid(pid, nullptr, 0);
  return got > 0 ? atof(buf) : -1;
}

double MinOf(int rounds, const std::string& self, std::vector<std::string> args,
             const Supervision* supervision) {
  double best = 1e9;
  for (int i = 0; i < rounds; ++i) {
    double v = Measure(self, args, supervision);
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
  const std::string file = kFile;
  FILE* f = fopen(file.c_str(), "w");
  if (f) fclose(f);
  const int rounds = 5;
  printf("%-22s %12s %12s %8s\n", "case", "us/call", "untrapped", "added");
  struct Case {
    const char* name;
    std::vector<std::string> args;
    Supervision supervision;
  } cases[] = {
      {"open (allowed)", {"loop-open", file, "20000"}, {}},
      {"open (allowed, exact)", {"loop-open", file, "20000"},
       {.kernel_reads = true}},
      {"open (allowed, learn)", {"loop-open", file, "20000"}, {.enforce = false}},
      {"open (denied)", {"loop-open", file, "20000"}, {.allow = false}},
      {"open (ENOENT probe)", {"loop-open", "/nonexistent/x.so", "20000"}, {}},
      // As the loader's and cc1's probes fail: in an existing directory.
      {"open (ENOENT, in lib)",
       {"loop-open", "/usr/lib/x86_64-linux-gnu/warden-absent.so", "20000"},
       {}},
      {"fork+exec /bin/true", {"loop-exec", "300"}, {}},
  };
  double base_open = 0;
  for (const Case& c : cases) {
    double base = MinOf(rounds, self, c.args, nullptr);
    double sup = MinOf(rounds, self, c.args, &c.supervision);
    printf("%-22s %12.2f %12.2f %8.2f\n", c.name, sup, base, sup - base);
    if (base_open == 0) base_open = base;
  }
  // Each floor in a child of its own: the pin must not stay on this process.
  for (bool emulate : {false, true}) {
    double best = 1e9;
    for (int i = 0; i < rounds; ++i) {
      int fds[2];
      if (pipe(fds) != 0) return 1;
      pid_t pid = fork();
      if (pid == 0) {
        double v = Floor(self, file, emulate);
        (void)!write(fds[1], &v, sizeof v);
        _exit(0);
      }
      double v = -1;
      (void)!read(fds[0], &v, sizeof v);
      close(fds[0]);
      close(fds[1]);
      waitpid(pid, nullptr, 0);
      if (v > 0 && v < best) best = v;
    }
    printf("%-22s %12.2f %12.2f %8.2f\n",
           emulate ? "floor: emulated open" : "floor: notify+CONTINUE", best,
           base_open, best - base_open);
  }
  unlink(file.c_str());
  return 0;
}
