#include "tools/commands.h"

namespace warden {

int RunShow(const std::vector<std::string>&) { return kExitUsage; }

}  // namespace warden
