// The seccomp filter installed in every supervised build script.
//
// Three outcomes per syscall: harmless ones run (ALLOW); forbidden ones fail in
// the kernel (ERRNO) without waking the supervisor; everything else, including
// syscalls this filter has never heard of, goes to the supervisor (USER_NOTIF),
// which emulates, continues or denies them. Other ABIs (i386 via int 0x80, x32)
// kill the process.
#ifndef WARDEN_TRACER_FILTER_H_
#define WARDEN_TRACER_FILTER_H_

#include <linux/filter.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace warden {

struct FilterOptions {
  // Landlock scoping (ABI 6) already confines signals to the sandboxed tree,
  // so kill/tgkill/… can run without a round trip to the supervisor.
  bool signals_scoped = false;
};

// BuildFilter compiles the filter to classic BPF for the native ABI.
absl::StatusOr<std::vector<sock_filter>> BuildFilter(const FilterOptions& options);

// EncodeFilter writes `program`, built for `options`, as one line of text.
// libseccomp takes ~1 ms to build a program, so cargo-warden builds it once
// and hands it to every supervisor of the run through the environment.
std::string EncodeFilter(const FilterOptions& options,
                         const std::vector<sock_filter>& program);

// FilterFor is the program `encoded` holds when it was built for `options`;
// otherwise (empty, malformed, other options) the one BuildFilter makes.
absl::StatusOr<std::vector<sock_filter>> FilterFor(const FilterOptions& options,
                                                   std::string_view encoded);

// SyscallName returns the name of a native syscall number ("openat"), or
// "syscall_NNN" when libseccomp does not know it.
std::string SyscallName(int nr);

}  // namespace warden

#endif  // WARDEN_TRACER_FILTER_H_
