#include "tools/cli.h"

#include <iostream>

#include "tools/commands.h"

namespace warden {

namespace po = boost::program_options;

bool ParseCommandLine(const std::vector<std::string>& args,
                      const char* command, const po::options_description& desc,
                      const po::positional_options_description* positional,
                      po::variables_map& vm,
                      std::vector<std::string>& cargo_args, int& exit_code) {
  std::vector<std::string> own;
  bool after_dashes = false;
  for (const std::string& a : args) {
    if (!after_dashes && a == "--") {
      after_dashes = true;
    } else {
      (after_dashes ? cargo_args : own).push_back(a);
    }
  }
  try {
    po::command_line_parser parser(own);
    parser.options(desc);
    if (positional != nullptr) parser.positional(*positional);
    po::store(parser.run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "cargo-warden " << command << ": " << e.what() << "\n\n" << desc;
    exit_code = kExitUsage;
    return false;
  }
  if (vm.count("help")) {
    std::cout << desc;
    exit_code = kExitOk;
    return false;
  }
  return true;
}

}  // namespace warden
