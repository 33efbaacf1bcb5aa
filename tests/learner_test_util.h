// Observations modelled on what real build scripts do
// (/work/shared/corpus/FINDINGS.md) and helpers to look at proposals, shared
// by the tests/learner_*_test.cc files.
#ifndef WARDEN_TESTS_LEARNER_TEST_UTIL_H_
#define WARDEN_TESTS_LEARNER_TEST_UTIL_H_

#include <cerrno>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "learner/learner.h"
#include "policy/matcher.h"
#include "policy/policy.h"
#include "tracer/event.h"

namespace warden::learnertest {

using Strings = std::vector<std::string>;

inline constexpr char kHome[] = "/home/dev";
inline constexpr char kSysroot[] =
    "/home/dev/.rustup/toolchains/stable-x86_64-unknown-linux-gnu";

// ---- Building observations ----

inline PathVars VarsFor(const std::string& crate, const std::string& hash) {
  PathVars vars;
  vars.target_dir = "/work/app/target";
  vars.out_dir = "/work/app/target/debug/build/" + crate + "-" + hash + "/out";
  vars.manifest_dir = "/usr/share/cargo/registry/" + crate;
  vars.workspace_root = "/work/app";
  vars.home = kHome;
  vars.cargo_home = "/home/dev/.cargo";
  vars.rustup_home = "/home/dev/.rustup";
  vars.tmp = "/tmp";
  vars.sysroot = kSysroot;
  vars.path_dirs = {"/home/dev/.cargo/bin",
                    "/usr/local/sbin",
                    "/usr/local/bin",
                    "/usr/sbin",
                    "/usr/bin",
                    "/sbin",
                    "/bin"};
  return vars;
}

inline Event Ev(Op op, std::string target, int error = 0, uint64_t count = 1) {
  Event event;
  event.op = op;
  event.target = std::move(target);
  event.error = error;
  event.count = count;
  return event;
}

inline Event Denied(Op op, std::string target) {
  Event event = Ev(op, std::move(target), EACCES);
  event.allowed = false;
  return event;
}

// Observation of a run: the build script's own exec and the dynamic loader's
// world, which every script shows (FINDINGS §1 and §3).
inline Observation Started(const std::string& name,
                           const std::string& version,
                           const std::string& hash = "1a2b3c4d") {
  Observation obs;
  obs.package = {name, version, "registry"};
  obs.vars = VarsFor(name + "-" + version, hash);
  const std::string build = "/work/app/target/debug/build/" + name + "-" +
                            hash + "/build-script-build";
  obs.events = {
      Ev(Op::kExec, build),
      Ev(Op::kRead,
         "/work/app/target/debug/deps/glibc-hwcaps/x86-64-v3/"
         "libgcc_s.so.1",
         ENOENT, 80),
      Ev(Op::kRead, "/etc/ld.so.cache"),
      Ev(Op::kRead, "/lib/x86_64-linux-gnu/libgcc_s.so.1"),
      Ev(Op::kRead, "/lib/x86_64-linux-gnu/libc.so.6"),
      Ev(Op::kRead, "/proc/self/maps"),
      Ev(Op::kRead, "/sys/kernel/mm/transparent_hugepage/enabled"),
      Ev(Op::kRead, "/proc/sys/vm/overcommit_memory"),
  };
  return obs;
}

// AddPathExec records a program run by bare name: the $PATH walk's misses,
// then the hit in `dir`.
inline void AddPathExec(Observation& obs, const std::string& dir,
                        const std::string& program, uint64_t count = 1) {
  for (const std::string& probe : obs.vars.path_dirs) {
    if (probe == dir) break;
    obs.events.push_back(Ev(Op::kExec, probe + "/" + program, ENOENT, count));
  }
  obs.events.push_back(Ev(Op::kExec, dir + "/" + program, 0, count));
}

// Typenum-like: generates Rust code into OUT_DIR.
inline Observation PureScript() {
  Observation obs = Started("typenum", "1.16.0");
  for (const char* file : {"consts.rs", "op.rs", "tests.rs"}) {
    obs.events.push_back(Ev(Op::kCreate, obs.vars.out_dir + "/" + file));
  }
  obs.directives = {{0, "rerun-if-changed", "build/main.rs"}};
  return obs;
}

// libz-sys-like: pkg-config probe (FINDINGS §2).
inline Observation PkgConfigScript() {
  Observation obs = Started("libz-sys", "1.1.8");
  AddPathExec(obs, "/usr/bin", "pkg-config", 2);
  obs.events.push_back(
      Ev(Op::kRead, "/usr/lib/x86_64-linux-gnu/pkgconfig/zlib.pc", 0, 2));
  obs.events.push_back(
      Ev(Op::kRead, "/usr/local/lib/pkgconfig/zlib.pc", ENOENT, 2));
  obs.env_used = {"PKG_CONFIG_PATH", "LIBZ_SYS_STATIC", "PKG_CONFIG_PATH",
                  "ZLIB_NO_PKG_CONFIG"};
  obs.directives = {{0, "rustc-link-lib", "z"},
                    {0, "rustc-link-search", "native=/usr/lib"},
                    {0, "rustc-link-lib", "z"}};
  return obs;
}

// RandomName is a mkstemp-like name: "cc" + 6 random alphanumerics.
inline std::string RandomName(std::mt19937& rng) {
  static constexpr char kChars[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string name = "cc";
  for (int i = 0; i < 6; ++i) name += kChars[rng() % (sizeof(kChars) - 1)];
  return name;
}

// ring-like: 26 × cc → cc1 → as with gcc temporaries in /tmp, 71 of its own
// files, 23 system headers across /usr/include subdirectories, 4 × ar.
inline Observation CcScript() {
  Observation obs = Started("ring", "0.16.20");
  std::mt19937 rng(20);
  const std::string& own = obs.vars.manifest_dir;
  for (int i = 0; i < 26; ++i) {
    AddPathExec(obs, "/usr/bin", "cc");
    obs.events.push_back(Ev(Op::kExec, "/usr/lib/gcc/x86_64-linux-gnu/12/cc1"));
    obs.events.push_back(Ev(Op::kExec, "/usr/bin/as"));
    const std::string tmp = "/tmp/" + RandomName(rng) + ".s";
    obs.events.push_back(Ev(Op::kCreate, tmp));
    obs.events.push_back(Ev(Op::kRead, tmp));
    obs.events.push_back(Ev(Op::kUnlink, tmp));
    obs.events.push_back(
        Ev(Op::kCreate, obs.vars.out_dir + "/obj" + std::to_string(i) + ".o"));
  }
  for (int i = 0; i < 4; ++i) AddPathExec(obs, "/usr/bin", "ar");
  for (int i = 0; i < 71; ++i) {
    const char* dir = i < 40   ? "/crypto/fipsmodule/"
                      : i < 60 ? "/include/openssl/"
                               : "/pregenerated/";
    obs.events.push_back(
        Ev(Op::kRead, own + dir + "f" + std::to_string(i) + ".c", 0, 3));
  }
  for (int i = 0; i < 23; ++i) {
    const char* dir = i < 8    ? "/usr/include/openssl/"
                      : i < 13 ? "/usr/include/x86_64-linux-gnu/openssl/"
                               : "/usr/include/x86_64-linux-gnu/bits/";
    obs.events.push_back(
        Ev(Op::kRead, dir + std::string("h") + std::to_string(i) + ".h"));
  }
  obs.events.push_back(Ev(Op::kRead, "/etc/locale.alias", 0, 26));
  obs.events.push_back(Ev(Op::kRead, "/usr/lib/bfd-plugins/LLVMgold.so"));
  obs.events.push_back(Ev(Op::kRead, "/tmp/ccmissing.s", ENOENT));
  obs.env_used = {"CC_x86_64-unknown-linux-gnu", "CFLAGS",
                  "RING_PREGENERATE_ASM"};
  obs.directives = {{0, "rustc-link-lib", "static=ring-core"},
                    {0, "rustc-link-search", "native=/work/app/target"}};
  return obs;
}

// jemalloc-sys-like configure step that runs git: reads ~/.gitconfig.
inline Observation GitConfigScript() {
  Observation obs = Started("jemalloc-sys", "0.3.2");
  AddPathExec(obs, "/usr/bin", "git");
  obs.events.push_back(Ev(Op::kRead, "/home/dev/.gitconfig"));
  obs.events.push_back(Ev(Op::kRead, "/home/dev/.config/git/config", ENOENT));
  obs.events.push_back(Ev(Op::kRead, "/etc/gitconfig"));
  return obs;
}

// ---- Looking at the result ----

inline std::vector<std::string> Values(const std::vector<Rule>& rules) {
  std::vector<std::string> values;
  for (const Rule& rule : rules) values.push_back(rule.value);
  return values;
}

inline size_t LineCount(const PackageEntry& entry) {
  return entry.profiles.size() + entry.read.size() + entry.write.size() +
         entry.exec.size() + entry.connect.size() + entry.bind.size() +
         entry.env.size() + entry.directives.size();
}

inline const PackageEntry& OnlyEntry(const Policy& policy) {
  EXPECT_EQ(policy.packages.size(), 1u);
  return policy.packages.front();
}

inline const PackageEntry& Learn(const Observation& obs, Policy& storage) {
  storage = ProposePolicy({obs});
  return OnlyEntry(storage);
}

inline const Rule* FindRule(const std::vector<Rule>& rules,
                            const std::string& value) {
  for (const Rule& rule : rules) {
    if (rule.value == value) return &rule;
  }
  return nullptr;
}

}  // namespace warden::learnertest

#endif  // WARDEN_TESTS_LEARNER_TEST_UTIL_H_
