// hostile: a deliberately malicious "build script" for the red-team suite
// (tests/redteam_util.h). Each mode tries one way to read a secret, write a
// canary, reach the network, or escape the sandbox, and reports what it got.
//
//   hostile <mode>
//
// Everything comes from the environment (set by the test):
//   HOSTILE_OUT      file (inside the allowed dir) that receives all output
//   HOSTILE_SECRET   absolute path of the secret file
//   HOSTILE_CANARY   absolute path of the canary file
//   HOSTILE_ALLOWED  the allowed (read-write) directory
//   HOSTILE_TCP_PORT, HOSTILE_UDP_PORT, HOSTILE_UNIX  listeners of the test
//   HOSTILE_MEM_ADDR, HOSTILE_MEM_LEN  a secret buffer in the parent
//   HOSTILE_PARENT_FD  an fd number the parent holds on the secret
//   HOSTILE_HANDLE   "type:hexbytes" file handle of the secret
//   HOSTILE_INHERITED_FDS, HOSTILE_KEPT_FD  fds the test left open for us
//   HOSTILE_CANARY_PID, HOSTILE_CANARY_UID  a process outside the tree
//
// Output lines: "LEAK …" when data that is not ours was obtained, "OK …" when
// an attempt succeeded in a way that matters, "FAIL <what> errno=N" when it
// was refused. The test decides; this program only tries.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int out = 1;

static void say(const char* fmt, ...) {
  char line[8192];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line - 1, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n > sizeof line - 2) n = (int)sizeof line - 2;
  line[n++] = '\n';
  ssize_t w = write(out, line, (size_t)n);
  (void)w;
}

static const char* env(const char* name) {
  const char* v = getenv(name);
  return v ? v : "";
}

static void fail(const char* what) { say("FAIL %s errno=%d", what, errno); }

// Reads what it can from fd and reports it as a leak.
static void drain(const char* what, int fd) {
  char buf[4096];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  if (n < 0) {
    fail(what);
    return;
  }
  buf[n] = '\0';
  say("LEAK %s read %zd bytes: %s", what, n, buf);
}

static void try_read(const char* what, const char* path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    fail(what);
    return;
  }
  drain(what, fd);
  close(fd);
}

static char* allowed_path(const char* name) {
  static char buf[4][4096];
  static int next;
  char* p = buf[next++ % 4];
  snprintf(p, sizeof buf[0], "%s/%s", env("HOSTILE_ALLOWED"), name);
  return p;
}

static void canary_write(const char* what, int fd) {
  if (fd < 0) {
    fail(what);
    return;
  }
  ssize_t n = write(fd, "PWNED", 5);
  say("OK %s wrote %zd bytes into the canary", what, n);
  close(fd);
}

// ---------------------------------------------------------------------------
// Reading the secret

static void m_open(void) { try_read("open", env("HOSTILE_SECRET")); }

static void m_symlink(void) {
  char* link = allowed_path("secret-link");
  if (symlink(env("HOSTILE_SECRET"), link) != 0) fail("symlink");
  try_read("open-through-symlink", link);
}

static void m_hardlink(void) {
  char* name = allowed_path("secret-hardlink");
  if (link(env("HOSTILE_SECRET"), name) != 0) fail("link");
  try_read("open-hardlink", name);
  if (linkat(AT_FDCWD, env("HOSTILE_SECRET"), AT_FDCWD, name, AT_SYMLINK_FOLLOW) != 0)
    fail("linkat");
  try_read("open-hardlink-2", name);
}

static void m_dotdot(void) {
  // <allowed>/../<secret dir name>/<secret file>
  const char* secret = env("HOSTILE_SECRET");
  const char* slash = strrchr(secret, '/');
  const char* dir_end = slash;
  const char* dir_start = slash - 1;
  while (dir_start > secret && *dir_start != '/') --dir_start;
  char path[4096];
  snprintf(path, sizeof path, "%s/..%.*s%s", env("HOSTILE_ALLOWED"),
           (int)(dir_end - dir_start), dir_start, slash);
  say("trying %s", path);
  try_read("dotdot", path);
  // And relative to the cwd, via a dirfd on the allowed dir.
  int dir = open(env("HOSTILE_ALLOWED"), O_RDONLY | O_DIRECTORY);
  if (dir < 0) {
    fail("open-allowed-dir");
    return;
  }
  snprintf(path, sizeof path, "..%.*s%s", (int)(dir_end - dir_start),
           dir_start, slash);
  int fd = openat(dir, path, O_RDONLY);
  if (fd < 0) fail("openat-dotdot");
  else drain("openat-dotdot", fd);
  if (fchdir(dir) == 0) try_read("cwd-dotdot", path);
}

static void m_procroot(void) {
  char path[4096];
  snprintf(path, sizeof path, "/proc/self/root%s", env("HOSTILE_SECRET"));
  try_read("proc-self-root", path);
  snprintf(path, sizeof path, "/proc/%d/root%s", getppid(),
           env("HOSTILE_SECRET"));
  try_read("proc-ppid-root", path);
  snprintf(path, sizeof path, "/proc/thread-self/root%s", env("HOSTILE_SECRET"));
  try_read("proc-thread-self-root", path);
  // O_PATH is let through; reopening it through /proc/self/fd must not be.
  int opath = open(env("HOSTILE_SECRET"), O_PATH);
  if (opath < 0) {
    fail("o-path");
    return;
  }
  snprintf(path, sizeof path, "/proc/self/fd/%d", opath);
  try_read("reopen-o-path", path);
  snprintf(path, sizeof path, "/dev/fd/%d", opath);
  try_read("reopen-o-path-devfd", path);
}

static void m_proc_environ(void) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/environ", getppid());
  try_read("proc-ppid-environ", path);
  snprintf(path, sizeof path, "/proc/%d/cmdline", getppid());
  try_read("proc-ppid-cmdline", path);
  // A directory fd on /proc/<ppid> and a relative name.
  snprintf(path, sizeof path, "/proc/%d", getppid());
  int dir = open(path, O_PATH | O_DIRECTORY);
  if (dir < 0) {
    fail("o-path-proc-ppid");
    return;
  }
  int fd = openat(dir, "environ", O_RDONLY);
  if (fd < 0) fail("openat-proc-ppid-environ");
  else drain("openat-proc-ppid-environ", fd);
}

static void m_proc_mem(void) {
  unsigned long addr = strtoul(env("HOSTILE_MEM_ADDR"), NULL, 16);
  size_t len = strtoul(env("HOSTILE_MEM_LEN"), NULL, 10);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/mem", getppid());
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    fail("proc-ppid-mem");
    return;
  }
  char buf[256] = {0};
  if (len >= sizeof buf) len = sizeof buf - 1;
  ssize_t n = pread(fd, buf, len, (off_t)addr);
  if (n < 0) fail("pread-proc-ppid-mem");
  else say("LEAK proc-ppid-mem read %zd bytes: %s", n, buf);
}

static void m_proc_fd(void) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd/%s", getppid(),
           env("HOSTILE_PARENT_FD"));
  try_read("proc-ppid-fd", path);
  for (int fd = 0; fd < 16; ++fd) {
    snprintf(path, sizeof path, "/proc/%d/fd/%d", getppid(), fd);
    int f = open(path, O_RDONLY | O_NONBLOCK);
    if (f >= 0) {
      say("OK opened %s", path);
      drain("proc-ppid-fd-scan", f);
      close(f);
    }
  }
}

static void m_openat2(void) {
  struct open_how {
    unsigned long long flags, mode, resolve;
  } how = {O_RDONLY, 0, 0};
  long fd = syscall(SYS_openat2, AT_FDCWD, env("HOSTILE_SECRET"), &how,
                    sizeof how);
  if (fd < 0) fail("openat2");
  else drain("openat2", (int)fd);
}

static void m_handle(void) {
  static _Alignas(8) unsigned char storage[sizeof(struct file_handle) + 128];
  struct file_handle* fh = (struct file_handle*)storage;
  fh->handle_bytes = 128;
  int mount_id;
  if (name_to_handle_at(AT_FDCWD, env("HOSTILE_SECRET"), fh, &mount_id, 0) != 0) {
    fail("name_to_handle_at");
    // Forge it from what the test computed outside the sandbox (the
    // "shocker" attack needs only CAP_DAC_READ_SEARCH and a guessable handle).
    const char* spec = env("HOSTILE_HANDLE");
    const char* colon = strchr(spec, ':');
    if (colon == NULL) return;
    fh->handle_type = atoi(spec);
    unsigned n = 0;
    for (const char* p = colon + 1; p[0] && p[1] && n < 128; p += 2) {
      unsigned v;
      if (sscanf(p, "%2x", &v) != 1) break;
      fh->f_handle[n++] = (unsigned char)v;
    }
    fh->handle_bytes = n;
  }
  int root = open("/", O_PATH | O_DIRECTORY);
  int fd = open_by_handle_at(root, fh, O_RDONLY);
  if (fd < 0) fail("open_by_handle_at");
  else drain("open_by_handle_at", fd);
}

static void m_io_uring(void) {
  struct io_uring_params p;
  memset(&p, 0, sizeof p);
  long fd = syscall(SYS_io_uring_setup, 8, &p);
  if (fd < 0) {
    fail("io_uring_setup");
    return;
  }
  say("OK io_uring_setup fd=%ld (an io_uring bypasses seccomp)", fd);
}

// int $0x80 runs the i386 syscall table; its arguments are 32-bit, so the
// path must live below 4 GiB.
static long int80(long nr, long a, long b, long c) {
  long ret;
  __asm__ volatile("int $0x80"
                   : "=a"(ret)
                   : "a"(nr), "b"(a), "c"(b), "d"(c)
                   : "memory");
  return ret;
}

static char* low_copy(const char* s) {
  char* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
  if (p == MAP_FAILED) return NULL;
  strncpy(p, s, 4000);
  return p;
}

static void m_int80_open(void) {
  char* path = low_copy(env("HOSTILE_SECRET"));
  say("trying int80 open");
  long fd = int80(5 /* i386 open */, (long)path, O_RDONLY, 0);
  if (fd < 0) {
    errno = (int)-fd;
    fail("int80-open");
    return;
  }
  drain("int80-open", (int)fd);
}

static void m_int80_exec(void) {
  char* path = low_copy("/bin/true");
  say("trying int80 execve");
  long rc = int80(11 /* i386 execve */, (long)path, 0, 0);
  errno = (int)-rc;
  fail("int80-execve");
}

static void m_x32(void) {
  say("trying x32 open");
  long fd = syscall(2 /* open */ | 0x40000000, env("HOSTILE_SECRET"), O_RDONLY);
  if (fd < 0) fail("x32-open");
  else drain("x32-open", (int)fd);
  fd = syscall(257 /* openat */ | 0x40000000, AT_FDCWD, env("HOSTILE_SECRET"),
               O_RDONLY);
  if (fd < 0) fail("x32-openat");
  else drain("x32-openat", (int)fd);
}

// ---------------------------------------------------------------------------
// The parent (the supervisor)

static void m_ptrace(void) {
  if (syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, getppid(), 0, 0) != 0)
    fail("ptrace-attach");
  else
    say("OK ptrace attached to the supervisor");
  if (syscall(SYS_ptrace, 0x4206 /* PTRACE_SEIZE */, getppid(), 0, 0) != 0)
    fail("ptrace-seize");
  else
    say("OK ptrace seized the supervisor");
}

static void m_vm_readv(void) {
  unsigned long addr = strtoul(env("HOSTILE_MEM_ADDR"), NULL, 16);
  size_t len = strtoul(env("HOSTILE_MEM_LEN"), NULL, 10);
  char buf[256] = {0};
  if (len >= sizeof buf) len = sizeof buf - 1;
  struct iovec local = {buf, len}, remote = {(void*)addr, len};
  ssize_t n = process_vm_readv(getppid(), &local, 1, &remote, 1, 0);
  if (n < 0) fail("process_vm_readv");
  else say("LEAK process_vm_readv %zd bytes: %s", n, buf);
  long pidfd = syscall(SYS_pidfd_open, getppid(), 0);
  if (pidfd < 0) {
    fail("pidfd_open-parent");
    return;
  }
  long fd = syscall(SYS_pidfd_getfd, pidfd, atoi(env("HOSTILE_PARENT_FD")), 0);
  if (fd < 0) fail("pidfd_getfd");
  else drain("pidfd_getfd", (int)fd);
}

static void m_kill_parent(void) {
  if (kill(getppid(), SIGKILL) != 0) fail("kill-parent");
  else say("OK SIGKILL sent to the supervisor");
  if (syscall(SYS_tgkill, getppid(), getppid(), SIGKILL) != 0)
    fail("tgkill-parent");
  else
    say("OK tgkill sent to the supervisor");
  long pidfd = syscall(SYS_pidfd_open, getppid(), 0);
  if (pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) != 0)
    fail("pidfd_send_signal-parent");
  else if (pidfd >= 0)
    say("OK pidfd_send_signal to the supervisor");
  // SIGIO: ask the kernel to signal the parent when a socket gets data.
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0) {
    if (fcntl(sv[0], F_SETOWN, getppid()) != 0) fail("f_setown-parent");
    if (fcntl(sv[0], F_SETSIG, SIGUSR2) != 0) fail("f_setsig");
    if (fcntl(sv[0], F_SETFL, O_ASYNC | O_NONBLOCK) != 0) fail("o_async");
    ssize_t w = write(sv[1], "x", 1);
    (void)w;
    say("sigio armed");
  }
  if (kill(getppid(), SIGUSR2) != 0) fail("sigusr2-parent");
  else say("OK SIGUSR2 sent to the supervisor");
}

static void m_kill_all(void) {
  // Safety valve: only go on if the scope already holds for the parent and
  // for init, or this would kill the whole machine (we run as root).
  if (kill(getppid(), 0) == 0 || kill(1, 0) == 0) {
    say("OK signals reach outside the sandbox; not sending kill(-1)");
    return;
  }
  if (kill(-1, SIGKILL) != 0) fail("kill-minus-1");
  else say("kill(-1) returned 0");
  say("alive after kill(-1)");
}

// ---------------------------------------------------------------------------
// Executing code the policy never saw

static void m_memfd_exec(void) {
  int mfd = (int)syscall(SYS_memfd_create, "payload", 0);
  if (mfd < 0) {
    fail("memfd_create");
    return;
  }
  int src = open("/bin/true", O_RDONLY);
  if (src < 0) {
    fail("open-bin-true");
    return;
  }
  char buf[65536];
  ssize_t n;
  while ((n = read(src, buf, sizeof buf)) > 0)
    if (write(mfd, buf, (size_t)n) != n) break;
  close(src);
  say("trying execveat(memfd)");
  char* argv[] = {"payload", NULL};
  char* envp[] = {NULL};
  syscall(SYS_execveat, mfd, "", argv, envp, AT_EMPTY_PATH);
  fail("execveat-memfd");
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", mfd);
  execve(path, argv, envp);
  fail("execve-proc-self-fd-memfd");
}

// Runs $HOSTILE_EXEC in a child, whose exit code is execve's errno when
// it fails.
static void m_exec_file(void) {
  const char* file = getenv("HOSTILE_EXEC");
  if (file == NULL) {
    say("FAIL no HOSTILE_EXEC");
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    char* argv[] = {(char*)file, NULL};
    char* envp[] = {NULL};
    execve(file, argv, envp);
    _exit(errno);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  say("EXEC exit=%d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

// ---------------------------------------------------------------------------
// Namespaces, mounts, kernel interfaces

static void m_namespaces(void) {
  if (unshare(CLONE_NEWUSER) != 0) fail("unshare-newuser");
  else say("OK unshare(CLONE_NEWUSER)");
  if (unshare(CLONE_NEWNS) != 0) fail("unshare-newns");
  else say("OK unshare(CLONE_NEWNS)");
  int ns = open("/proc/self/ns/mnt", O_RDONLY);
  if (ns < 0) fail("open-own-ns");
  else if (setns(ns, 0) != 0) fail("setns-own");
  else say("OK setns");
  int init_ns = open("/proc/1/ns/mnt", O_RDONLY);
  if (init_ns < 0) fail("open-init-ns");
  else if (setns(init_ns, 0) != 0) fail("setns-init");
  else say("OK setns into init's mount namespace");
  char* mnt = allowed_path("mnt");
  mkdir(mnt, 0755);
  if (mount("none", mnt, "tmpfs", 0, NULL) != 0) fail("mount");
  else say("OK mount");
  if (syscall(SYS_pivot_root, ".", ".") != 0) fail("pivot_root");
  else say("OK pivot_root");
  if (chroot(env("HOSTILE_ALLOWED")) != 0) fail("chroot");
  else say("OK chroot");
  for (int i = 0; i < 2; ++i) {
    unsigned long flags = (i == 0 ? CLONE_NEWNS : CLONE_NEWUSER) | SIGCHLD;
    long pid = syscall(SYS_clone, flags, 0, 0, 0, 0);
    if (pid == 0) _exit(0);
    if (pid < 0) {
      fail(i == 0 ? "clone-newns" : "clone-newuser");
    } else {
      say("OK clone with %s", i == 0 ? "CLONE_NEWNS" : "CLONE_NEWUSER");
      waitpid((pid_t)pid, NULL, 0);
    }
  }
}

static void m_kernel_ifaces(void) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof attr);
  if (syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr) < 0) fail("bpf");
  else say("OK bpf");
  struct perf_event_attr pe;
  memset(&pe, 0, sizeof pe);
  pe.size = sizeof pe;
  pe.type = PERF_TYPE_SOFTWARE;
  pe.config = PERF_COUNT_SW_CPU_CLOCK;
  if (syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0) < 0) fail("perf_event_open");
  else say("OK perf_event_open");
  if (syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) < 0)
    fail("keyctl");
  else
    say("OK keyctl");
  if (syscall(SYS_userfaultfd, 0) < 0) fail("userfaultfd");
  else say("OK userfaultfd");
  // Root can make a device node for the disk that holds the secret and read
  // the file system raw.
  struct stat st;
  if (stat(env("HOSTILE_SECRET"), &st) == 0) {
    char* node = allowed_path("disk");
    if (mknod(node, S_IFBLK | 0600, st.st_dev) != 0) fail("mknod-blockdev");
    else say("OK made a block device node for the secret's disk");
    if (mknod(node, S_IFCHR | 0600, makedev(1, 1) /* /dev/mem */) != 0)
      fail("mknod-chardev");
    else
      say("OK made a /dev/mem node");
  }
  if (personality(READ_IMPLIES_EXEC) == -1) fail("personality");
  else if (personality(0xffffffff) & READ_IMPLIES_EXEC)
    say("OK personality(READ_IMPLIES_EXEC)");
  else
    fail("personality-not-set");
}

static void m_seccomp_listener(void) {
  struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog prog = {1, &allow};
  long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                    SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
  if (fd < 0) fail("seccomp-new-listener");
  else say("OK installed a seccomp listener fd=%ld", fd);
  // A filter that returns ERRNO may only tighten; check that prctl cannot
  // undo anything by installing an ALLOW-everything filter.
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
    fail("prctl-seccomp");
  try_read("open-after-prctl-seccomp", env("HOSTILE_SECRET"));
}

// ---------------------------------------------------------------------------
// Network

static void m_unix_connect(void) {
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un un;
  memset(&un, 0, sizeof un);
  un.sun_family = AF_UNIX;
  strncpy(un.sun_path, env("HOSTILE_UNIX"), sizeof un.sun_path - 1);
  if (connect(s, (struct sockaddr*)&un, sizeof un) != 0) fail("unix-connect");
  else say("OK unix connect: %zd", write(s, "HOSTILE", 7));
  int d = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (sendto(d, "HOSTILE", 7, 0, (struct sockaddr*)&un, sizeof un) < 0)
    fail("unix-dgram-sendto");
  else
    say("OK unix dgram sendto");
}

static struct sockaddr_in loopback(const char* port) {
  struct sockaddr_in in;
  memset(&in, 0, sizeof in);
  in.sin_family = AF_INET;
  in.sin_port = htons((unsigned short)atoi(port));
  in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return in;
}

static void m_udp_sendto(void) {
  struct sockaddr_in in = loopback(env("HOSTILE_UDP_PORT"));
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (sendto(s, "HOSTILE", 7, 0, (struct sockaddr*)&in, sizeof in) < 0)
    fail("udp-sendto");
  else
    say("OK udp sendto");
  if (connect(s, (struct sockaddr*)&in, sizeof in) != 0) fail("udp-connect");
  else say("OK udp connect: send=%zd", send(s, "HOSTILE", 7, 0));
}

static void m_udp_sendmsg(void) {
  struct sockaddr_in in = loopback(env("HOSTILE_UDP_PORT"));
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct iovec iov = {"HOSTILE", 7};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_name = &in;
  msg.msg_namelen = sizeof in;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (sendmsg(s, &msg, 0) < 0) fail("udp-sendmsg");
  else say("OK udp sendmsg");
  struct mmsghdr mm;
  memset(&mm, 0, sizeof mm);
  mm.msg_hdr = msg;
  if (sendmmsg(s, &mm, 1, 0) < 0) fail("udp-sendmmsg");
  else say("OK udp sendmmsg");
}

static void m_tcp_connect(void) {
  struct sockaddr_in in = loopback(env("HOSTILE_TCP_PORT"));
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(s, (struct sockaddr*)&in, sizeof in) != 0) fail("tcp-connect");
  else say("OK tcp connect");
  // TCP fast open: connect and send in one sendto.
  int s2 = socket(AF_INET, SOCK_STREAM, 0);
  if (sendto(s2, "HOSTILE", 7, MSG_FASTOPEN, (struct sockaddr*)&in, sizeof in) < 0)
    fail("tcp-fastopen");
  else
    say("OK tcp fast open");
}

static void m_netlink_packet(void) {
  int s = socket(AF_NETLINK, SOCK_RAW, 0);
  if (s < 0) fail("socket-netlink");
  else say("OK AF_NETLINK socket");
  s = socket(AF_PACKET, SOCK_RAW, htons(3 /* ETH_P_ALL */));
  if (s < 0) fail("socket-packet");
  else say("OK AF_PACKET socket");
}

// ---------------------------------------------------------------------------
// Writing outside the allowed dirs

static void m_write_canary(void) {
  const char* canary = env("HOSTILE_CANARY");
  canary_write("open-wronly-trunc", open(canary, O_WRONLY | O_TRUNC));
  canary_write("open-rdwr", open(canary, O_RDWR));
  canary_write("open-append", open(canary, O_WRONLY | O_APPEND));
  canary_write("creat", creat(canary, 0644));
  char* tmp = allowed_path("replacement");
  canary_write("create-in-allowed", open(tmp, O_WRONLY | O_CREAT, 0644));
  if (rename(tmp, canary) != 0) fail("rename-over-canary");
  else say("OK renamed over the canary");
  if (syscall(SYS_renameat2, AT_FDCWD, tmp, AT_FDCWD, canary, 2 /* EXCHANGE */) != 0)
    fail("renameat2-exchange");
  else
    say("OK exchanged the canary");
  if (unlink(canary) != 0) fail("unlink-canary");
  else say("OK unlinked the canary");
  if (chmod(canary, 0777) != 0) fail("chmod-canary");
  else say("OK chmod the canary");
  if (truncate(canary, 0) != 0) fail("truncate-canary");
  else say("OK truncated the canary");
  if (utimensat(AT_FDCWD, canary, NULL, 0) != 0) fail("utimensat-canary");
  else say("OK utimensat on the canary");
  char* hl = allowed_path("canary-hardlink");
  if (link(canary, hl) != 0) fail("link-canary");
  else say("OK hard-linked the canary into the allowed dir");
  canary_write("open-hardlink", open(hl, O_WRONLY | O_TRUNC));
  char* sl = allowed_path("canary-symlink");
  if (symlink(canary, sl) != 0) fail("symlink-canary");
  canary_write("open-symlink", open(sl, O_WRONLY | O_TRUNC));
  if (truncate(sl, 0) != 0) fail("truncate-symlink");
  else say("OK truncated through the symlink");
  // Rename the canary itself into the allowed dir (then write there).
  char* moved = allowed_path("canary-moved");
  if (rename(canary, moved) != 0) fail("rename-canary-away");
  else say("OK moved the canary away");
}

// ---------------------------------------------------------------------------
// Outliving the build script

static void m_daemon(int use_setsid) {
  int ready[2];
  if (pipe(ready) != 0) {
    fail("pipe");
    return;
  }
  pid_t a = fork();
  if (a == 0) {
    pid_t b = fork();
    if (b == 0) {
      if (use_setsid && setsid() < 0) fail("setsid");
      say("DAEMON pid=%d started", getpid());
      ssize_t w = write(ready[1], "r", 1);
      (void)w;
      sleep(2);
      // Still here after the build script ended: write where we still can,
      // then go for the canary.
      say("DAEMON_ALIVE pid=%d", getpid());
      canary_write("daemon-canary", open(env("HOSTILE_CANARY"), O_WRONLY | O_TRUNC));
      _exit(0);
    }
    char c;
    ssize_t r = read(ready[0], &c, 1);  // the daemon is up
    (void)r;
    _exit(0);
  }
  waitpid(a, NULL, 0);
  say("parent exiting");
}

// ---------------------------------------------------------------------------
// The terminal

static void m_tiocsti(void) {
  // Ordinary terminal ioctls keep working, with or without junk in the high
  // half of the command (those go through the supervisor).
  struct termios t;
  say("INFO tcgets rc=%ld", syscall(SYS_ioctl, 0, TCGETS, &t));
  say("INFO tcgets-high-bits rc=%ld",
      syscall(SYS_ioctl, 0, 0xffffffff00000000UL | TCGETS, &t));
  int tty = open("/dev/tty", O_RDWR);
  if (tty < 0) fail("open-dev-tty");
  else say("OK opened /dev/tty");
  const char* inject = "echo PWNED\n";
  int fds[] = {tty, 0, 1, 2};
  for (int i = 0; i < 4; ++i) {
    if (fds[i] < 0) continue;
    if (ioctl(fds[i], TIOCSTI, inject) != 0) {
      fail("tiocsti");
    } else {
      say("OK TIOCSTI on fd %d", fds[i]);
    }
    // The kernel only looks at the low 32 bits of the command.
    if (syscall(SYS_ioctl, fds[i], 0xffffffff00000000UL | TIOCSTI, inject) != 0)
      fail("tiocsti-high-bits");
    else
      say("OK TIOCSTI (high bits) on fd %d", fds[i]);
  }
}

// ---------------------------------------------------------------------------
// The path-swap race

static char race_path[4096];
static size_t race_flip_at;  // index of the byte that differs
static atomic_int race_stop;
static atomic_long race_opens, race_ok, race_leaks;
static char race_decoy[64];

static char race_fresh[4096];  // write_race: a new name in the flipped dir

static void* flipper(void* arg) {
  (void)arg;
  volatile char* p = race_path + race_flip_at;
  volatile char* q = race_fresh + race_flip_at;
  while (!atomic_load_explicit(&race_stop, memory_order_relaxed)) {
    *p = 's';
    *q = 's';
    *p = 'a';
    *q = 'a';
  }
  return NULL;
}

static void* opener(void* arg) {
  long n = (long)arg;
  char buf[256];
  for (long i = 0; i < n; ++i) {
    int fd = open(race_path, O_RDONLY);
    atomic_fetch_add(&race_opens, 1);
    if (fd < 0) continue;
    ssize_t got = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (got < 0) continue;
    buf[got] = '\0';
    atomic_fetch_add(&race_ok, 1);
    if (strcmp(buf, race_decoy) != 0) {
      if (atomic_fetch_add(&race_leaks, 1) == 0)
        say("LEAK race read %zd bytes: %s", got, buf);
    }
  }
  return NULL;
}

// race_setup makes <allowed>/a/<name> a decoy and <allowed>/s a symlink to
// the secret's dir, so <allowed>/s/<name> is the secret: race_path names the
// decoy, and flipping the byte at race_flip_at names the secret.
static int race_setup(void) {
  const char* secret = env("HOSTILE_SECRET");
  const char* name = strrchr(secret, '/') + 1;
  char secret_dir[4096];
  snprintf(secret_dir, sizeof secret_dir, "%.*s", (int)(name - 1 - secret), secret);
  char* a = allowed_path("a");
  mkdir(a, 0755);
  char decoy[4096];
  snprintf(decoy, sizeof decoy, "%s/%s", a, name);
  snprintf(race_decoy, sizeof race_decoy, "decoy");
  int fd = open(decoy, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, race_decoy, strlen(race_decoy)) < 0) {
    fail("race-setup-decoy");
    return -1;
  }
  close(fd);
  if (symlink(secret_dir, allowed_path("s")) != 0) fail("race-setup-symlink");
  snprintf(race_path, sizeof race_path, "%s/a/%s", env("HOSTILE_ALLOWED"), name);
  race_flip_at = strlen(env("HOSTILE_ALLOWED")) + 1;
  return 0;
}

static long race_total(void) {
  long total = atol(env("HOSTILE_RACE_OPENS"));
  return total > 0 ? total : 100000;
}

static void m_race(void) {
  if (race_setup() != 0) return;
  long total = race_total();
  enum { kFlippers = 1, kOpeners = 3 };
  pthread_t f[kFlippers], o[kOpeners];
  for (int i = 0; i < kFlippers; ++i) pthread_create(&f[i], NULL, flipper, NULL);
  for (int i = 0; i < kOpeners; ++i)
    pthread_create(&o[i], NULL, opener, (void*)((total + kOpeners - 1) / kOpeners));
  for (int i = 0; i < kOpeners; ++i) pthread_join(o[i], NULL);
  atomic_store(&race_stop, 1);
  for (int i = 0; i < kFlippers; ++i) pthread_join(f[i], NULL);
  say("RACE opens=%ld ok=%ld leaks=%ld", atomic_load(&race_opens),
      atomic_load(&race_ok), atomic_load(&race_leaks));
}

// Appends to the decoy's name, which the flipper points at the secret.
static void* appender(void* arg) {
  long n = (long)arg;
  for (long i = 0; i < n; ++i) {
    int fd = open(race_path, O_WRONLY | O_APPEND | O_CLOEXEC);
    atomic_fetch_add(&race_opens, 1);
    if (fd < 0) continue;
    if (write(fd, "LEAK", 4) == 4) atomic_fetch_add(&race_ok, 1);
    close(fd);
  }
  return NULL;
}

// Creates new names in the dir the flipper points at the secret's.
static void* creator(void* arg) {
  long n = (long)arg;
  const size_t dir_len = strrchr(race_fresh, '/') - race_fresh + 1;
  for (long i = 0; i < n; ++i) {
    snprintf(race_fresh + dir_len, sizeof race_fresh - dir_len, "fresh-%ld", i);
    int fd = open(race_fresh, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    atomic_fetch_add(&race_opens, 1);
    if (fd < 0) continue;
    atomic_fetch_add(&race_ok, 1);
    close(fd);
  }
  return NULL;
}

// write_race: the path-swap race on writes and creates. The test checks the
// secret's dir afterwards: its file unchanged, no new name in it.
static void m_write_race(void) {
  if (race_setup() != 0) return;
  snprintf(race_fresh, sizeof race_fresh, "%s/a/", env("HOSTILE_ALLOWED"));
  long total = race_total();
  pthread_t f, o[3];
  pthread_create(&f, NULL, flipper, NULL);
  pthread_create(&o[0], NULL, appender, (void*)(total / 3));
  pthread_create(&o[1], NULL, appender, (void*)(total / 3));
  pthread_create(&o[2], NULL, creator, (void*)(total / 3));
  for (int i = 0; i < 3; ++i) pthread_join(o[i], NULL);
  atomic_store(&race_stop, 1);
  pthread_join(f, NULL);
  say("RACE opens=%ld ok=%ld", atomic_load(&race_opens), atomic_load(&race_ok));
}

// ---------------------------------------------------------------------------

struct Mode {
  const char* name;
  void (*run)(void);
};

static void m_daemon_plain(void) { m_daemon(0); }
static void m_daemon_setsid(void) { m_daemon(1); }

// Not an attack: the supervisor pins the caller to its own CPU while it
// hands over an fd (ADDFD); the caller's CPU mask must come back unchanged.
static void m_affinity(void) {
  cpu_set_t before, after;
  if (sched_getaffinity(0, sizeof before, &before) != 0) {
    fail("sched_getaffinity");
    return;
  }
  char* file = allowed_path("affinity-file");
  int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    fail("create affinity-file");
    return;
  }
  close(fd);
  int opened = 0, changed = 0;
  for (int i = 0; i < 200; ++i) {
    fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    ++opened;
    close(fd);
    if (sched_getaffinity(0, sizeof after, &after) != 0 ||
        !CPU_EQUAL(&before, &after))
      ++changed;
  }
  say("AFFINITY opened=%d changed=%d cpus=%d", opened, changed, CPU_COUNT(&before));
}

// ---------------------------------------------------------------------------
// What the parents left open

// Reads descriptors the test opened without O_CLOEXEC before starting us:
// HOSTILE_INHERITED_FDS (on the secret, must be gone) and HOSTILE_KEPT_FD
// (listed in keep_fds, must still work).
static void m_inherited_fd(void) {
  char list[256];
  snprintf(list, sizeof list, "%s", env("HOSTILE_INHERITED_FDS"));
  for (char* tok = strtok(list, ","); tok != NULL; tok = strtok(NULL, ",")) {
    int fd = atoi(tok);
    char what[64];
    snprintf(what, sizeof what, "inherited-fd-%d", fd);
    if (fd == out) {
      say("SKIP %s is our output file", what);
      continue;
    }
    drain(what, fd);
  }
  char buf[256];
  ssize_t n = read(atoi(env("HOSTILE_KEPT_FD")), buf, sizeof buf - 1);
  if (n < 0) {
    fail("kept-fd");
    return;
  }
  buf[n] = '\0';
  say("KEPT read %zd bytes: %s", n, buf);
}

// ---------------------------------------------------------------------------
// Other processes: priority, CPUs, limits, scheduling class, I/O priority

#define IOPRIO_WHO_PROCESS_ 1
#define IOPRIO_WHO_PGRP_ 2
#define IOPRIO_WHO_USER_ 3
#define IOPRIO_VALUE_(class, data) (((class) << 13) | (data))
#define IOPRIO_CLASS_BE_ 2
#define IOPRIO_CLASS_IDLE_ 3

struct sched_attr_ {  // SCHED_ATTR_SIZE_VER0
  uint32_t size, sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime, sched_deadline, sched_period;
};

static long ioprio_set_(int which, long who, int prio) {
  return syscall(SYS_ioprio_set, which, who, prio);
}
static long ioprio_get_(long who) {
  return syscall(SYS_ioprio_get, IOPRIO_WHO_PROCESS_, who);
}
static long sched_setattr_(long pid, int policy) {
  struct sched_attr_ attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.sched_policy = (uint32_t)policy;
  return syscall(SYS_sched_setattr, pid, &attr, 0);
}
static long prlimit_nofile(long pid, rlim_t soft, rlim_t hard) {
  struct rlimit lim = {soft, hard};
  return syscall(SYS_prlimit64, pid, RLIMIT_NOFILE, &lim, NULL);
}
static rlim_t nofile_of(long pid) {
  struct rlimit lim = {0, 0};
  syscall(SYS_prlimit64, pid, RLIMIT_NOFILE, NULL, &lim);
  return lim.rlim_cur;
}
static int lowest_cpu(cpu_set_t* one) {
  cpu_set_t all;
  CPU_ZERO(one);
  if (sched_getaffinity(0, sizeof all, &all) != 0) return -1;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &all)) {
      CPU_SET(cpu, one);
      return cpu;
    }
  return -1;
}

// A call aimed at the canary: must be refused.
static void refused(const char* what, long rc) {
  if (rc == 0)
    say("OK %s changed a process outside the tree", what);
  else
    fail(what);
}

// A call on ourselves or our child: must work, and `check` (evaluated
// after it) must then hold.
#define WORKS(what, call, check)                             \
  do {                                                       \
    long rc_ = (call);                                       \
    if (rc_ == 0 && (check))                                 \
      say("WORKS %s", what);                                 \
    else                                                     \
      say("BROKEN %s rc=%ld errno=%d", what, rc_, errno);    \
  } while (0)

// The whole-user forms, from a child that first becomes the canary's uid:
// run as root they would reach every root process on the machine if they
// ever got through.
static void attack_user(void) {
  int uid = atoi(env("HOSTILE_CANARY_UID"));
  if (uid < 0) {
    say("SKIP setpriority-user (not root)");
    return;
  }
  pid_t pid = fork();
  if (pid == 0) {
    if (setgroups(0, NULL) != 0 || setresgid(uid, uid, uid) != 0 ||
        setresuid(uid, uid, uid) != 0) {
      fail("setresuid");
      _exit(1);
    }
    refused("setpriority-user", setpriority(PRIO_USER, 0, 19));
    // Not who 0: the kernel reads that as uid 0 here, not as the caller's.
    refused("ioprio_set-user",
            ioprio_set_(IOPRIO_WHO_USER_, uid, IOPRIO_VALUE_(IOPRIO_CLASS_IDLE_, 0)));
    _exit(0);
  }
  waitpid(pid, NULL, 0);
}

static void attack_canary(pid_t canary) {
  cpu_set_t one;
  lowest_cpu(&one);
  struct sched_param param = {0};
  refused("setpriority-canary", setpriority(PRIO_PROCESS, canary, 19));
  refused("setpriority-canary-high-bits",
          syscall(SYS_setpriority, PRIO_PROCESS, (1L << 32) | canary, 19));
  refused("setpriority-pgrp-canary", setpriority(PRIO_PGRP, canary, 19));
  attack_user();
  refused("sched_setaffinity-canary",
          sched_setaffinity(canary, sizeof one, &one));
  refused("prlimit-canary", prlimit_nofile(canary, 1, 1));
  refused("sched_setscheduler-canary",
          sched_setscheduler(canary, SCHED_IDLE, &param));
  refused("sched_setparam-canary", sched_setparam(canary, &param));
  refused("sched_setattr-canary", sched_setattr_(canary, SCHED_IDLE));
  refused("ioprio_set-canary",
          ioprio_set_(IOPRIO_WHO_PROCESS_, canary,
                      IOPRIO_VALUE_(IOPRIO_CLASS_IDLE_, 0)));
  refused("ioprio_set-pgrp-canary",
          ioprio_set_(IOPRIO_WHO_PGRP_, canary,
                      IOPRIO_VALUE_(IOPRIO_CLASS_IDLE_, 0)));
  // Reading a limit changes nothing: the filter lets it through.
  struct rlimit lim;
  long rc = syscall(SYS_prlimit64, canary, RLIMIT_NOFILE, NULL, &lim);
  say("INFO prlimit-read-canary rc=%ld errno=%d", rc, rc == 0 ? 0 : errno);
}

// The self forms, on 0 and on getpid(), in a child of our own (its own
// process group, so PRIO_PGRP 0 touches only it).
static void self_forms(void) {
  pid_t pid = fork();
  if (pid != 0) {
    waitpid(pid, NULL, 0);
    return;
  }
  setpgid(0, 0);
  long me = getpid();
  cpu_set_t one, all, now;
  lowest_cpu(&one);
  sched_getaffinity(0, sizeof all, &all);
  struct rlimit lim;
  getrlimit(RLIMIT_NOFILE, &lim);
  struct sched_param param = {0};
  WORKS("setpriority-0", setpriority(PRIO_PROCESS, 0, 10),
        getpriority(PRIO_PROCESS, 0) == 10);
  WORKS("setpriority-pid", setpriority(PRIO_PROCESS, me, 11),
        getpriority(PRIO_PROCESS, 0) == 11);
  WORKS("setpriority-pgrp0", setpriority(PRIO_PGRP, 0, 12),
        getpriority(PRIO_PROCESS, 0) == 12);
  WORKS("setpriority-high-bits",
        syscall(SYS_setpriority, PRIO_PROCESS, 1L << 32, 13),
        getpriority(PRIO_PROCESS, 0) == 13);
  WORKS("sched_setaffinity-0", sched_setaffinity(0, sizeof one, &one),
        sched_getaffinity(0, sizeof now, &now) == 0 && CPU_EQUAL(&now, &one));
  WORKS("sched_setaffinity-pid", sched_setaffinity(me, sizeof all, &all),
        sched_getaffinity(0, sizeof now, &now) == 0 && CPU_EQUAL(&now, &all));
  WORKS("prlimit-0", prlimit_nofile(0, 256, lim.rlim_max), nofile_of(0) == 256);
  WORKS("prlimit-pid", prlimit_nofile(me, 128, lim.rlim_max),
        nofile_of(0) == 128);
  WORKS("ioprio_set-0",
        ioprio_set_(IOPRIO_WHO_PROCESS_, 0, IOPRIO_VALUE_(IOPRIO_CLASS_BE_, 7)),
        ioprio_get_(0) == IOPRIO_VALUE_(IOPRIO_CLASS_BE_, 7));
  WORKS("ioprio_set-pgrp0",
        ioprio_set_(IOPRIO_WHO_PGRP_, 0, IOPRIO_VALUE_(IOPRIO_CLASS_BE_, 6)),
        ioprio_get_(0) == IOPRIO_VALUE_(IOPRIO_CLASS_BE_, 6));
  WORKS("ioprio_set-pid",
        ioprio_set_(IOPRIO_WHO_PROCESS_, me, IOPRIO_VALUE_(IOPRIO_CLASS_IDLE_, 0)),
        ioprio_get_(0) == IOPRIO_VALUE_(IOPRIO_CLASS_IDLE_, 0));
  WORKS("sched_setparam-0", sched_setparam(0, &param), 1);
  WORKS("sched_setparam-pid", sched_setparam(me, &param), 1);
  WORKS("sched_setattr-0", sched_setattr_(0, SCHED_BATCH),
        sched_getscheduler(0) == SCHED_BATCH);
  WORKS("sched_setattr-pid", sched_setattr_(me, SCHED_BATCH),
        sched_getscheduler(0) == SCHED_BATCH);
  WORKS("sched_setscheduler-0", sched_setscheduler(0, SCHED_BATCH, &param),
        sched_getscheduler(0) == SCHED_BATCH);
  // Last: SCHED_IDLE is for good (unprivileged callers cannot leave it).
  WORKS("sched_setscheduler-pid", sched_setscheduler(me, SCHED_IDLE, &param),
        sched_getscheduler(0) == SCHED_IDLE);
  _exit(0);
}

// The same calls on a child of ours, which is in the tree.
static void child_forms(void) {
  pid_t child = fork();
  if (child == 0) {
    for (;;) pause();
  }
  cpu_set_t one, now;
  lowest_cpu(&one);
  struct sched_param param = {0};
  WORKS("setpriority-child", setpriority(PRIO_PROCESS, child, 15),
        getpriority(PRIO_PROCESS, child) == 15);
  WORKS("sched_setaffinity-child", sched_setaffinity(child, sizeof one, &one),
        sched_getaffinity(child, sizeof now, &now) == 0 && CPU_EQUAL(&now, &one));
  WORKS("prlimit-child", prlimit_nofile(child, 1, 1), nofile_of(child) == 1);
  WORKS("ioprio_set-child",
        ioprio_set_(IOPRIO_WHO_PROCESS_, child,
                    IOPRIO_VALUE_(IOPRIO_CLASS_IDLE_, 0)),
        ioprio_get_(child) == IOPRIO_VALUE_(IOPRIO_CLASS_IDLE_, 0));
  WORKS("sched_setparam-child", sched_setparam(child, &param), 1);
  WORKS("sched_setattr-child", sched_setattr_(child, SCHED_BATCH),
        sched_getscheduler(child) == SCHED_BATCH);
  WORKS("sched_setscheduler-child",
        sched_setscheduler(child, SCHED_IDLE, &param),
        sched_getscheduler(child) == SCHED_IDLE);
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
}

// HOSTILE_CANARY_PID: a process outside the tree (not ours to change);
// HOSTILE_CANARY_UID: its uid, or -1.
static void m_other_procs(void) {
  attack_canary((pid_t)atoi(env("HOSTILE_CANARY_PID")));
  self_forms();
  child_forms();
}

static const struct Mode kModes[] = {
    {"open", m_open},
    {"symlink", m_symlink},
    {"hardlink", m_hardlink},
    {"dotdot", m_dotdot},
    {"procroot", m_procroot},
    {"proc_environ", m_proc_environ},
    {"proc_mem", m_proc_mem},
    {"proc_fd", m_proc_fd},
    {"openat2", m_openat2},
    {"handle", m_handle},
    {"io_uring", m_io_uring},
    {"int80_open", m_int80_open},
    {"int80_exec", m_int80_exec},
    {"x32", m_x32},
    {"ptrace", m_ptrace},
    {"vm_readv", m_vm_readv},
    {"kill_parent", m_kill_parent},
    {"kill_all", m_kill_all},
    {"memfd_exec", m_memfd_exec},
    {"exec_file", m_exec_file},
    {"namespaces", m_namespaces},
    {"kernel_ifaces", m_kernel_ifaces},
    {"seccomp_listener", m_seccomp_listener},
    {"unix_connect", m_unix_connect},
    {"udp_sendto", m_udp_sendto},
    {"udp_sendmsg", m_udp_sendmsg},
    {"tcp_connect", m_tcp_connect},
    {"netlink_packet", m_netlink_packet},
    {"write_canary", m_write_canary},
    {"daemon", m_daemon_plain},
    {"daemon_setsid", m_daemon_setsid},
    {"tiocsti", m_tiocsti},
    {"race", m_race},
    {"write_race", m_write_race},
    {"affinity", m_affinity},
    {"inherited_fd", m_inherited_fd},
    {"other_procs", m_other_procs},
};

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: hostile <mode>\n");
    return 2;
  }
  const char* path = getenv("HOSTILE_OUT");
  if (path != NULL) {
    out = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (out < 0) return 3;
    dup2(out, 2);
  }
  for (size_t i = 0; i < sizeof kModes / sizeof kModes[0]; ++i) {
    if (strcmp(argv[1], kModes[i].name) == 0) {
      say("BEGIN %s pid=%d ppid=%d", argv[1], getpid(), getppid());
      kModes[i].run();
      say("END %s", argv[1]);
      return 0;
    }
  }
  say("unknown mode %s", argv[1]);
  return 2;
}
