// Glue shared by cargo-warden and warden-shim: the clock, and the path
// variables of this user and machine.
#ifndef WARDEN_TOOLS_CONTEXT_H_
#define WARDEN_TOOLS_CONTEXT_H_

#include <cstdint>
#include <string>

#include "policy/matcher.h"

namespace warden {

// NowMs is the wall clock in Unix epoch milliseconds, as the database keeps it.
int64_t NowMs();

// MachineVars fills the variables that depend on the user and machine:
// {home}, {cargo_home}, {rustup_home}, {tmp} and $PATH from the environment,
// and {sysroot}.
PathVars MachineVars(const std::string& sysroot);

// RustSysroot asks rustc ($RUSTC, else rustc on PATH) for its sysroot; ""
// when it cannot. It starts rustc (20-30 ms): see SysrootOf.
std::string RustSysroot();

// SysrootOf returns the sysroot of the rustc binary at `rustc` without
// running it, the way rustc finds its own: two levels above the real file,
// when that directory holds lib/rustlib. "" otherwise (a wrapper, a rustup
// proxy).
std::string SysrootOf(const std::string& rustc);

}  // namespace warden

#endif  // WARDEN_TOOLS_CONTEXT_H_
