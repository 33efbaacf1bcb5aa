// cargo-warden's subcommands, one file each. Every command returns the
// process exit status (see ExitCode).
#ifndef WARDEN_TOOLS_COMMANDS_H_
#define WARDEN_TOOLS_COMMANDS_H_

#include <string>
#include <vector>

namespace warden {

// Exit codes are part of the interface: CI scripts depend on them.
enum ExitCode : int {
  kExitOk = 0,
  kExitFindings = 1,      // enforce: requests were denied; diff: additions
  kExitUsage = 2,         // bad command line or bad warden.yaml
  kExitEnvironment = 3,   // kernel, cargo or database problem
  kExitBuildFailed = 4,   // cargo failed and nothing was denied
};

// args exclude the program and subcommand names.
int RunLearn(const std::vector<std::string>& args);
int RunEnforce(const std::vector<std::string>& args);
int RunDiff(const std::vector<std::string>& args);
int RunShow(const std::vector<std::string>& args);

}  // namespace warden

#endif  // WARDEN_TOOLS_COMMANDS_H_
