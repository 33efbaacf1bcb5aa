// Command-line plumbing shared by cargo-warden's subcommands.
#ifndef WARDEN_TOOLS_CLI_H_
#define WARDEN_TOOLS_CLI_H_

#include <boost/program_options.hpp>
#include <string>
#include <vector>

namespace warden {

// ParseCommandLine parses `args` (everything after the subcommand) with
// `desc`; the words after a "--" go to `cargo_args`. It returns false, after
// printing help (exit_code 0) or the error and the help (exit_code 2), when
// the command should stop.
bool ParseCommandLine(const std::vector<std::string>& args,
                      const char* command,
                      const boost::program_options::options_description& desc,
                      const boost::program_options::positional_options_description* positional,
                      boost::program_options::variables_map& vm,
                      std::vector<std::string>& cargo_args, int& exit_code);

}  // namespace warden

#endif  // WARDEN_TOOLS_CLI_H_
