// Private to tracer/: the forked child's side of RunSupervised, from fork
// to exec.
#ifndef WARDEN_TRACER_CHILD_H_
#define WARDEN_TRACER_CHILD_H_

#include <linux/filter.h>
#include <sys/types.h>

#include <vector>

#include "tracer/supervisor.h"

namespace warden::internal {

// RunChild confines this (forked) process and execs the program with `envp`
// (null-terminated). It reports the listener fd number, or an error, on
// `report_fd`.
[[noreturn]] void RunChild(const SandboxSpec& spec, char* const* envp,
                           const std::vector<sock_filter>& program,
                           int report_fd, pid_t parent);

}  // namespace warden::internal

#endif  // WARDEN_TRACER_CHILD_H_
