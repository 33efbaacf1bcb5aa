#include "policy/profiles.h"

#include <algorithm>
#include <initializer_list>
#include <map>

#include "policy/environment.h"
#include "policy/path.h"

namespace warden {
namespace {

using Names = std::initializer_list<const char*>;

std::vector<Rule> Rules(Names values) {
  std::vector<Rule> rules;
  for (const char* value : values) rules.push_back(Rule{value, "", "", {}});
  return rules;
}

PackageEntry MakeProfile(const char* name, Names read, Names write, Names exec,
                         Names env) {
  PackageEntry entry;
  entry.name = name;
  entry.read = Rules(read);
  entry.write = Rules(write);
  entry.exec = Rules(exec);
  entry.env = Rules(env);
  return entry;
}

PackageEntry Baseline() {
  PackageEntry baseline = MakeProfile(
      "baseline",
      /*read=*/
      {"{manifest_dir}/**", "{out_dir}/**", "{sysroot}/**",
       "{target_dir}/*/deps/*.so*", "{target_dir}/*/*/deps/*.so*",
       // A panicking build script's backtrace reads its own binary and the
       // system's debug symbols: compiled code, no secrets.
       "{target_dir}/*/build/*/*.warden-real", "/usr/lib/debug/.build-id/**",
       "/etc/ld.so.cache", "/etc/ld.so.preload",
       "/lib/x86_64-linux-gnu/*.so*", "/usr/lib/x86_64-linux-gnu/*.so*",
       "/lib64/ld-linux-x86-64.so.2", "/usr/lib/locale/**",
       "/usr/share/locale/**", "/etc/locale.alias", "/proc/self/**",
       "/proc/thread-self/**", "/sys/kernel/mm/transparent_hugepage/*",
       "/proc/sys/vm/overcommit_memory", "/sys/devices/system/cpu/**",
       "/sys/fs/cgroup/**", "/proc/meminfo", "/proc/cpuinfo", "/proc/stat",
       "/dev/zero", "/dev/urandom", "/dev/random"},
      /*write=*/
      {"{out_dir}/**", "/dev/null", "/dev/tty", "/dev/fd/*",
       "/proc/self/fd/*"},
      /*exec=*/{}, /*env=*/{});
  // Shared with the environment filter (policy/environment.h).
  for (const std::string& name : BaselineVariables())
    baseline.env.push_back(Rule{name, "", "", {}});
  return baseline;
}

// Profile is a shipped profile: its grants and the programs that pick it.
struct Profile {
  PackageEntry entry;
  std::vector<std::string> triggers;
};

Profile RustcProfile() {
  return {MakeProfile(
      "rustc",
      /*read=*/
      {"{sysroot}/**", "{rustup_home}/toolchains/**",
       "{rustup_home}/settings.toml", "{cargo_home}/bin/*"},
      /*write=*/{"{out_dir}/**"},
      /*exec=*/{"{sysroot}/bin/rustc", "rustc", "{cargo_home}/bin/*"},
      /*env=*/
      {"RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "CARGO_HOME", "HOME",
       "RUSTC_BOOTSTRAP"}),
      /*triggers=*/{"rustc"}};
}

Profile CToolchainProfile() {
  return {MakeProfile(
      "c-toolchain",
      /*read=*/
      {"/usr/include/**", "/usr/local/include/**", "/usr/lib/gcc/**",
       "/usr/libexec/gcc/**", "/usr/lib/x86_64-linux-gnu/**",
       "/usr/lib/bfd-plugins/**", "/usr/lib/llvm-*/**", "/usr/bin/*",
       "/etc/alternatives/*"},
      /*write=*/{"{tmp}/cc*"},
      /*exec=*/
      {"cc", "gcc", "g++", "c++", "cpp", "clang", "clang++", "as", "ld",
       "ld.bfd", "ld.gold", "ar", "ranlib", "nm", "strip",
       "/usr/lib/gcc/x86_64-linux-gnu/*/**", "/usr/libexec/gcc/**",
       "/usr/bin/x86_64-linux-gnu-*"},
      /*env=*/
      {"CC", "CXX", "AR", "CFLAGS", "CXXFLAGS", "CPPFLAGS", "LDFLAGS", "CC_*",
       "CFLAGS_*", "CXX_*", "CXXFLAGS_*", "AR_*", "TARGET_CC", "HOST_CC",
       "CRATE_CC_NO_DEFAULTS", "CC_ENABLE_DEBUG_OUTPUT",
       "SOURCE_DATE_EPOCH"}),
      // The driver's helpers (cc1, collect2 …) run from /usr/lib/gcc.
      /*triggers=*/
      {"ar", "as", "c++", "cc", "cc1", "cc1plus", "clang", "clang++",
       "collect2", "g++", "gcc", "ld", "lto-wrapper", "ranlib"}};
}

Profile PkgConfigProfile() {
  return {MakeProfile(
      "pkg-config",
      /*read=*/
      {"/usr/lib/x86_64-linux-gnu/pkgconfig/**", "/usr/lib/pkgconfig/**",
       "/usr/share/pkgconfig/**", "/usr/local/lib/pkgconfig/**",
       "/usr/local/share/pkgconfig/**", "/etc/pkgconfig/**"},
      /*write=*/{},
      /*exec=*/{"pkg-config", "pkgconf", "/usr/bin/*-pkg-config"},
      /*env=*/
      // The pkg-config crate also reads HOST_/TARGET_ spellings; system-deps
      // (pkg-config driven by Cargo.toml metadata) its SYSTEM_DEPS_<LIB>_*.
      {"PKG_CONFIG*", "HOST_PKG_CONFIG*", "TARGET_PKG_CONFIG*", "SYSTEM_DEPS_*",
       "DEB_HOST_GNU_TYPE", "*_NO_PKG_CONFIG", "*_STATIC", "*_DYNAMIC",
       "SYSROOT"}),
      /*triggers=*/{"pkg-config", "pkgconf"}};
}

// bindgen at build time: libclang's search lists software directories
// (libclang's own loader walks /usr/*/* and the LD_LIBRARY_PATH dirs),
// clang and llvm-config run from LLVM's tree, rustfmt through rustup.
Profile BindgenProfile() {
  return {MakeProfile(
      "bindgen",
      /*read=*/
      {"/usr/*", "/usr/*/*", "/usr/lib/*/*", "/usr/lib/llvm-*/**",
       "/usr/lib/clang/**", "/usr/local/lib/**", "/usr/local/cuda*/**",
       "/usr/lib/terminfo/**", "/usr/share/terminfo/**", "/usr/lib32/**",
       "/opt", "/opt/*", "/etc/debian_version", "/etc/terminfo/**",
       "{target_dir}/*", "{target_dir}/*/deps", "{rustup_home}/**",
       "{cargo_home}/bin/*"},
      /*write=*/{},
      /*exec=*/
      {"/usr/lib/llvm-*/bin/*", "clang", "llvm-config", "rustfmt", "rustup",
       "{sysroot}/bin/rustfmt", "{cargo_home}/bin/*"},
      /*env=*/
      {"LIBCLANG_PATH", "LIBCLANG_STATIC_PATH", "LLVM_CONFIG_PATH",
       "CLANG_PATH", "BINDGEN_*", "RUSTFMT", "RUSTUP_HOME",
       "RUSTUP_TOOLCHAIN", "CARGO_HOME", "HOME"}),
      /*triggers=*/{"llvm-config", "rustfmt"}};
}

Profile ShellProfile() {
  return {MakeProfile(
      "shell",
      /*read=*/{"/usr/bin/*", "/bin/*", "/usr/share/misc/**"},
      /*write=*/{},
      /*exec=*/
      {"/bin/sh", "/usr/bin/sh", "/bin/bash", "/usr/bin/bash", "/bin/dash",
       "/usr/bin/dash", "cat", "cp", "mv", "rm", "mkdir", "sed", "awk", "mawk",
       "grep", "tr", "sort", "uname", "expr", "dirname", "basename", "ln",
       "install", "ls", "diff", "make", "hostname", "arch", "touch", "test",
       "true", "false", "env", "chmod", "rmdir", "head", "tail", "wc", "cut",
       "date", "printf", "echo", "mktemp", "pwd", "readlink", "sleep", "stat",
       "tee", "uniq"},
      /*env=*/{}),
      // The shells, and coreutils as configure scripts and Makefiles run them.
      /*triggers=*/
      {"bash", "dash", "sh", "basename", "cat", "chmod", "cp", "cut", "date",
       "dirname", "echo", "env", "expr", "false", "head", "install", "ln",
       "ls", "mkdir", "mktemp", "mv", "printf", "pwd", "readlink", "rm",
       "rmdir", "sleep", "sort", "stat", "tail", "tee", "test", "touch", "tr",
       "true", "uname", "uniq", "wc"}};
}

std::map<std::string, Profile, std::less<>> Shipped() {
  std::map<std::string, Profile, std::less<>> profiles;
  for (Profile profile : {RustcProfile(), CToolchainProfile(), PkgConfigProfile(),
                          BindgenProfile(), ShellProfile()}) {
    std::string name = profile.entry.name;
    profiles.emplace(std::move(name), std::move(profile));
  }
  return profiles;
}

const std::map<std::string, Profile, std::less<>>& ShippedProfiles() {
  static const auto* const profiles =
      new std::map<std::string, Profile, std::less<>>(Shipped());
  return *profiles;
}

// ProgramStem strips a target triple in front and a version behind
// ("x86_64-linux-gnu-gcc-12" → "gcc", "clang-14" → "clang").
std::string_view ProgramStem(std::string_view name) {
  constexpr std::string_view kOs = "-linux-";
  if (const size_t os = name.find(kOs); os != std::string_view::npos) {
    const size_t abi_end = name.find('-', os + kOs.size());
    if (abi_end != std::string_view::npos) name.remove_prefix(abi_end + 1);
  }
  const size_t dash = name.rfind('-');
  if (dash != std::string_view::npos && dash + 1 < name.size() &&
      name.find_first_not_of("0123456789.", dash + 1) ==
          std::string_view::npos) {
    name.remove_suffix(name.size() - dash);
  }
  return name;
}

}  // namespace

std::vector<std::string> KnownProfileNames() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : ShippedProfiles()) names.push_back(name);
  return names;
}

const PackageEntry* FindProfile(std::string_view name) {
  const auto& profiles = ShippedProfiles();
  auto it = profiles.find(name);
  return it == profiles.end() ? nullptr : &it->second.entry;
}

std::vector<std::string> ProfileTriggers(std::string_view name) {
  const auto& profiles = ShippedProfiles();
  auto it = profiles.find(name);
  return it == profiles.end() ? std::vector<std::string>{} : it->second.triggers;
}

std::optional<std::string> ProfileForProgram(std::string_view program) {
  const std::string_view stem = ProgramStem(Basename(program));
  for (const auto& [name, profile] : ShippedProfiles()) {
    const auto& triggers = profile.triggers;
    if (std::find(triggers.begin(), triggers.end(), stem) != triggers.end())
      return name;
  }
  return std::nullopt;
}

const PackageEntry& BaselineProfile() {
  static const PackageEntry* const baseline = new PackageEntry(Baseline());
  return *baseline;
}

}  // namespace warden
