#include "policy/directives.h"

#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "policy/utf8.h"

namespace warden {
namespace {

using policy_internal::IsWardenEnvName;
using policy_internal::Trim;

struct DangerousEnv {
  std::string_view pattern;  // upper case; a trailing '*' is a prefix
  std::string_view reason;
};

// kDangerousEnv: variables that, in rustc's environment (which the linker,
// the C compiler driver and any rustup proxy inherit), change what program
// or code runs, or how it behaves. Only "rustc-env=NAME" with the exact name
// grants one.
constexpr DangerousEnv kDangerousEnv[] = {
    // Dynamic loader and C library.
    {"LD_*", "the dynamic loader reads it (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT load code)"},
    {"DYLD_*", "the macOS dynamic loader reads it (DYLD_INSERT_LIBRARIES loads code)"},
    {"GCONV_PATH", "glibc loads iconv modules from it"},
    {"GLIBC_TUNABLES", "configures glibc's loader and allocator"},
    {"MALLOC_*", "configures the allocator (MALLOC_CONF, MALLOC_CHECK_)"},
    {"LOCPATH", "glibc reads locale data from it"},
    {"NLSPATH", "the C library reads message catalogues from it"},
    {"HOSTALIASES", "the resolver reads it as a file"},
    {"RES_OPTIONS", "changes the resolver"},
    {"LOCALDOMAIN", "changes the resolver"},
    {"TZ", "the C library reads the file it names"},
    {"TZDIR", "the C library reads time zone files from it"},
    {"TERMINFO", "terminal descriptions are read from it"},
    {"TERMINFO_DIRS", "terminal descriptions are read from it"},
    // Shells and interpreters.
    {"PATH", "chooses which programs run (the linker, cc, rustup's rustc)"},
    {"IFS", "changes how shells split words"},
    {"ENV", "a shell runs the file it names"},
    {"BASH_ENV", "bash runs the file it names"},
    {"BASH_FUNC_*", "bash imports functions from it"},
    {"SHELL", "programs run it as the shell"},
    {"SHELLOPTS", "changes how bash behaves"},
    {"BASHOPTS", "changes how bash behaves"},
    {"PS4", "bash expands it when tracing"},
    {"CDPATH", "changes where shell scripts cd to"},
    {"HOME", "rustup, cargo and the toolchain read configuration below it"},
    {"XDG_*", "programs read configuration from these directories"},
    {"PYTHON*", "Python loads code from it (PYTHONPATH, PYTHONSTARTUP)"},
    {"PERL5*", "Perl loads code from it (PERL5LIB, PERL5OPT)"},
    {"PERLLIB", "Perl loads code from it"},
    {"RUBYOPT", "Ruby loads code from it"},
    {"RUBYLIB", "Ruby loads code from it"},
    {"NODE_OPTIONS", "Node.js loads code from it"},
    {"NODE_PATH", "Node.js loads code from it"},
    {"JAVA_TOOL_OPTIONS", "the JVM loads agents from it"},
    {"_JAVA_OPTIONS", "the JVM loads agents from it"},
    {"JDK_JAVA_OPTIONS", "the JVM loads agents from it"},
    {"CLASSPATH", "the JVM loads classes from it"},
    {"LUA_*", "Lua loads code from it"},
    // C toolchain (rustc runs cc to link).
    {"CC", "names the C compiler"},
    {"CXX", "names the C++ compiler"},
    {"CPP", "names the C preprocessor"},
    {"AR", "names the archiver"},
    {"AS", "names the assembler"},
    {"LD", "names the linker"},
    {"NM", "names a toolchain program"},
    {"RANLIB", "names a toolchain program"},
    {"STRIP", "names a toolchain program"},
    {"OBJCOPY", "names a toolchain program"},
    {"*FLAGS", "adds compiler or linker flags (CFLAGS, LDFLAGS)"},
    {"*FLAGS_*", "adds compiler or linker flags (CFLAGS_<target>)"},
    {"COMPILER_PATH", "gcc runs its subprograms (as, ld, collect2) from it"},
    {"GCC_EXEC_PREFIX", "gcc runs its subprograms from it"},
    {"COLLECT_*", "gcc's collect2 runs the programs it names"},
    {"LIBRARY_PATH", "the linker searches libraries in it"},
    {"CPATH", "the compiler searches headers in it"},
    {"*_INCLUDE_PATH", "the compiler searches headers in it"},
    {"DEPENDENCIES_OUTPUT", "gcc writes the file it names"},
    {"SUNPRO_DEPENDENCIES", "gcc writes the file it names"},
    {"TMPDIR", "the toolchain writes and runs temporaries there"},
    {"TMP", "the toolchain writes temporaries there"},
    {"TEMP", "the toolchain writes temporaries there"},
    {"CCACHE_*", "configures ccache (CCACHE_PREFIX runs a program)"},
    {"SCCACHE_*", "configures sccache"},
    {"DISTCC_*", "configures distcc"},
    {"NIX_*", "Nix's compiler wrappers add flags from it"},
    {"LLVM_PROFILE_FILE", "instrumented tools write the file it names"},
    {"SDKROOT", "chooses the SDK the linker uses"},
    {"MACOSX_DEPLOYMENT_TARGET", "changes how the linker links"},
    // rustc, cargo, rustup, make.
    {"RUSTC*", "steers rustc or its wrapper (RUSTC_WRAPPER, RUSTC_LOG)"},
    {"RUSTFLAGS", "adds rustc flags"},
    {"RUSTDOC*", "steers rustdoc"},
    {"RUSTUP_*", "the rustup proxy picks the toolchain it runs from it"},
    {"RUST_TARGET_PATH", "rustc loads target specifications (the linker to run) from it"},
    {"CARGO*", "steers cargo and programs it runs (CARGO_HOME, CARGO_TARGET_*_LINKER)"},
    {"MAKEFLAGS", "steers make and the jobserver"},
    {"MFLAGS", "steers make"},
    {"MAKELEVEL", "steers make"},
    {"MAKE", "names the make program"},
};

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = absl::ascii_toupper(static_cast<unsigned char>(c));
  return out;
}

}  // namespace

std::string_view DangerousEnvReason(std::string_view name) {
  std::string upper = Upper(name);
  for (const DangerousEnv& entry : kDangerousEnv)
    if (DirectivePatternMatch(entry.pattern, upper)) return entry.reason;
  if (IsWardenEnvName(name)) return "steers warden itself";
  return {};
}

namespace policy_internal {

bool IsWardenEnvName(std::string_view name) {
  return Upper(Trim(name)).starts_with("WARDEN_");
}

}  // namespace policy_internal
}  // namespace warden
