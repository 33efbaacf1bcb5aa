// warden-rustc: cargo's RUSTC_WRAPPER under cargo-warden.
//
// cargo runs `warden-rustc RUSTC ARGS…`. Ordinary crates go straight to rustc
// (one exec, no other cost). When rustc links a build script, the result gets
// warden's shim in front of it before cargo can run it.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "tools/protocol.h"
#include "tools/shim_install.h"

namespace {

// BuildScriptOutput returns the binary rustc is about to link when it
// compiles a build script, or "" for any other invocation.
std::string BuildScriptOutput(int argc, char** argv) {
  std::string crate, out_dir, extra;
  bool is_bin = false;
  for (int i = 1; i + 1 < argc; ++i) {
    std::string a = argv[i], next = argv[i + 1];
    if (a == "--crate-name") crate = next;
    if (a == "--out-dir") out_dir = next;
    if (a == "--crate-type" && next == "bin") is_bin = true;
    if (a == "-C" && next.rfind("extra-filename=", 0) == 0)
      extra = next.substr(strlen("extra-filename="));
  }
  if (crate.rfind("build_script_", 0) != 0 || !is_bin || out_dir.empty())
    return "";
  return out_dir + "/" + crate + extra;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr,
            "warden-rustc: cargo's RUSTC_WRAPPER under cargo-warden; not meant "
            "to be run by hand (usage: warden-rustc RUSTC ARGS...)\n");
    return 2;
  }
  std::vector<char*> command;
  std::string inner = warden::GetEnv(warden::kEnvInnerWrapper);
  if (!inner.empty()) command.push_back(inner.data());
  for (int i = 1; i < argc; ++i) command.push_back(argv[i]);
  command.push_back(nullptr);

  std::string output = BuildScriptOutput(argc, argv);
  if (output.empty()) {
    execvp(command[0], command.data());
    fprintf(stderr, "warden-rustc: cannot run %s: %s\n", command[0],
            strerror(errno));
    return 127;
  }
  pid_t pid = fork();
  if (pid == 0) {
    execvp(command[0], command.data());
    fprintf(stderr, "warden-rustc: cannot run %s: %s\n", command[0],
            strerror(errno));
    _exit(127);
  }
  int raw = 0;
  while (waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
  }
  int status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
  if (status != 0) return status;
  if (absl::Status s = warden::InstallShim(output); !s.ok()) {
    fprintf(stderr, "warden-rustc: cannot put warden's shim in front of %s: %s\n",
            output.c_str(), std::string(s.message()).c_str());
    return 1;
  }
  return 0;
}
