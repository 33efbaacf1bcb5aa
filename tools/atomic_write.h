// Writing a file so that readers see the old contents or the new, never a
// half-written one, and a failure is an error naming the path.
#ifndef WARDEN_TOOLS_ATOMIC_WRITE_H_
#define WARDEN_TOOLS_ATOMIC_WRITE_H_

#include <string>

#include "absl/status/status.h"

namespace warden {

// WriteFileAtomically writes `text` to a temporary file next to `path`,
// flushes it and renames it over `path`.
absl::Status WriteFileAtomically(const std::string& path, const std::string& text);

}  // namespace warden

#endif  // WARDEN_TOOLS_ATOMIC_WRITE_H_
