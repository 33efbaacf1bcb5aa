#include "tools/commands.h"

namespace warden {

int RunDiff(const std::vector<std::string>&) { return kExitUsage; }

}  // namespace warden
