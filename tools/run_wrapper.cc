// warden-run: cargo's target runner under `cargo warden enforce`.
//
// cargo runs `warden-run BINARY ARGS…` for every test binary and for
// `cargo run`. The binary enters the floor (policy/floor.h) before it
// starts, and with it everything it runs, a nested cargo included, whatever
// environment that one is given: it may execute what the build produced and
// write the target dir (not warden's database) and temporaries, but read
// nothing under $HOME outside the workspace and cargo's sources, and open no
// TCP connection the policy's `compile:` does not grant.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "policy/environment.h"
#include "policy/floor.h"
#include "tools/context.h"
#include "tools/exit.h"
#include "tools/floor_env.h"
#include "tools/protocol.h"

namespace warden {
namespace {

int Main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr,
            "warden-run: cargo's target runner under cargo-warden enforce; "
            "not meant to be run by hand (usage: warden-run BINARY ARGS...)\n");
    return kExitUsage;
  }
  absl::StatusOr<LandlockPlan> plan = FloorFromEnvironment();
  absl::Status status = plan.status();
  if (status.ok()) {
    AddRunSite(*plan, GetEnv(kEnvTargetDir), MachineVars("").tmp);
    status = EnterFloor(*plan);
  }
  if (!status.ok()) {
    fprintf(stderr, "warden-run: cannot enter warden's floor: %s\n",
            std::string(status.message()).c_str());
    return kExitEnvironment;
  }
  std::vector<std::string> env = WithoutCredentials(CurrentEnvironment());
  std::vector<char*> envp;
  for (std::string& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  execve(argv[1], argv + 1, envp.data());
  fprintf(stderr, "warden-run: cannot run %s: %s\n", argv[1], strerror(errno));
  return kExitEnvironment;
}

}  // namespace
}  // namespace warden

int main(int argc, char** argv) { return warden::Main(argc, argv); }
