// The environment variables through which cargo-warden talks to the programs
// cargo starts for it (warden-rustc, and warden-shim via the shim scripts).
// None of them reaches a build script (policy/environment.h).
#ifndef WARDEN_TOOLS_PROTOCOL_H_
#define WARDEN_TOOLS_PROTOCOL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden {

inline constexpr const char kEnvMode[] = "WARDEN_MODE";        // ModeName
inline constexpr const char kEnvDb[] = "WARDEN_DB";
inline constexpr const char kEnvRunId[] = "WARDEN_RUN_ID";
inline constexpr const char kEnvPolicy[] = "WARDEN_POLICY";    // enforce only
// The policy file's path in every mode (learn protects it from writes;
// contained learn lets through what it grants).
inline constexpr const char kEnvPolicyFile[] = "WARDEN_POLICY_FILE";
inline constexpr const char kEnvShim[] = "WARDEN_SHIM";        // supervisor binary
inline constexpr const char kEnvTargetDir[] = "WARDEN_TARGET_DIR";
inline constexpr const char kEnvWorkspace[] = "WARDEN_WORKSPACE_ROOT";
// The floor every program cargo runs is held to (policy/floor.h), encoded
// with EncodePlan; warden-rustc and warden-run add their own site to it.
inline constexpr const char kEnvFloor[] = "WARDEN_FLOOR";
// The supervisors' seccomp program, built once by cargo-warden
// (tracer/filter.h EncodeFilter).
inline constexpr const char kEnvFilter[] = "WARDEN_FILTER";
// "build-scripts" (bench/run only, `--bench-build-scripts-only`): no floor,
// no supervisor around rustc, no directive filter, no target runner; the
// build scripts' supervisor alone. Unset: every layer.
inline constexpr const char kEnvLayers[] = "WARDEN_LAYERS";
// The rustdoc cargo would have run ($RUSTDOC before warden's), which
// warden-rustdoc runs under the supervisor; "" for rustdoc on $PATH.
inline constexpr const char kEnvRustdoc[] = "WARDEN_RUSTDOC";
// A RUSTC_WRAPPER that was set before warden's (sccache …), chained.
inline constexpr const char kEnvInnerWrapper[] = "WARDEN_INNER_RUSTC_WRAPPER";

// Mode is what cargo-warden runs: learn, learn with the build scripts
// contained (`learn --contained`, policy/contained.h), or enforce.
enum class Mode { kLearn, kContainedLearn, kEnforce };

// ModeName is WARDEN_MODE's spelling of `mode`: "learn", "learn-contained",
// "enforce"; ParseMode the way back (nullopt for anything else).
const char* ModeName(Mode mode);
std::optional<Mode> ParseMode(std::string_view name);

// GetEnv returns the variable's value or "".
std::string GetEnv(const char* name);

// CurrentEnvironment returns environ as "NAME=value" strings.
std::vector<std::string> CurrentEnvironment();

// JobserverFds returns the descriptors a CARGO_MAKEFLAGS or MAKEFLAGS value
// names with --jobserver-fds=R,W or --jobserver-auth=R,W: the ones a build
// script must inherit. None for --jobserver-auth=fifo:PATH (a named pipe).
std::vector<int> JobserverFds(std::string_view makeflags);

}  // namespace warden

#endif  // WARDEN_TOOLS_PROTOCOL_H_
