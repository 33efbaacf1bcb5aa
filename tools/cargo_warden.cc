// cargo-warden: learn, enforce and review what Cargo build scripts may do.
#include <cstdio>
#include <string>
#include <vector>

#include "tools/commands.h"

namespace {

constexpr const char kUsage[] =
    "cargo-warden: put every Cargo build script under a seccomp supervisor\n"
    "\n"
    "usage: cargo warden <command> [options] [-- CARGO_ARGS...]\n"
    "\n"
    "commands:\n"
    "  learn     build, record what every build script does, propose warden.yaml\n"
    "  enforce   build, allow what warden.yaml grants, deny and report the rest\n"
    "  diff      what build scripts do now that they did not before\n"
    "  show      per package: declared vs granted vs last observed\n"
    "  import    seed warden.yaml from census data, without building\n"
    "  check     without building: warden.yaml vs Cargo.lock and manifests\n"
    "  init      write a starting warden.yaml from what packages declare\n"
    "\n"
    "CARGO_ARGS default to `build`. `cargo warden <command> --help` for options.\n"
    "exit status: 0 ok, 1 denials (enforce), additions (diff) or findings\n"
    "(check), 2 usage or policy error, 3 environment problem (kernel, cargo,\n"
    "database), 4 the build failed with nothing denied.\n";

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  // `cargo warden …` runs `cargo-warden warden …`.
  if (!args.empty() && args[0] == "warden") args.erase(args.begin());
  if (args.empty() || args[0] == "--help" || args[0] == "-h" ||
      args[0] == "help") {
    fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? warden::kExitUsage : warden::kExitOk;
  }
  if (args[0] == "--version" || args[0] == "-V") {
    puts("cargo-warden 0.1.0");
    return warden::kExitOk;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "learn") return warden::RunLearn(args);
  if (command == "enforce") return warden::RunEnforce(args);
  if (command == "diff") return warden::RunDiff(args);
  if (command == "show") return warden::RunShow(args);
  if (command == "import") return warden::RunImport(args);
  if (command == "check") return warden::RunCheck(args);
  if (command == "init") return warden::RunInit(args);
  fprintf(stderr, "cargo-warden: unknown command '%s'\n\n%s", command.c_str(),
          kUsage);
  return warden::kExitUsage;
}

}  // namespace

// An exception escaping a command (a std::filesystem or JSON call that was
// not given an error_code) is a bug, but still an error message naming what
// failed and exit 3, not an abort.
int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    fprintf(stderr, "cargo-warden: %s\n", e.what());
    return warden::kExitEnvironment;
  }
}
