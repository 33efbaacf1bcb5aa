// cargo-warden's subcommands, one file each. Every command returns the
// process exit status (tools/exit.h).
#ifndef WARDEN_TOOLS_COMMANDS_H_
#define WARDEN_TOOLS_COMMANDS_H_

#include <string>
#include <vector>

#include "tools/exit.h"

namespace warden {

// args exclude the program and subcommand names.
int RunLearn(const std::vector<std::string>& args);
int RunEnforce(const std::vector<std::string>& args);
int RunDiff(const std::vector<std::string>& args);
int RunShow(const std::vector<std::string>& args);
int RunImport(const std::vector<std::string>& args);
int RunCheck(const std::vector<std::string>& args);
int RunInit(const std::vector<std::string>& args);

}  // namespace warden

#endif  // WARDEN_TOOLS_COMMANDS_H_
