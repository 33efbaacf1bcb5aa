// Private to tracer/: what the supervisor reads from 64-bit ELF files, the
// only ABI the filter lets run.
#ifndef WARDEN_TRACER_ELF_FILE_H_
#define WARDEN_TRACER_ELF_FILE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace warden::internal {

// ElfInterpreter is the PT_INTERP of the 64-bit ELF file `fd`, whose first
// bytes are `head`; "" when it has none (static, or not ELF).
std::string ElfInterpreter(int fd, std::string_view head);

// NeededLibraries are the DT_NEEDED names of the 64-bit ELF file `file`
// (empty for a static binary); nullopt when it is no such file or cannot be
// read whole.
std::optional<std::vector<std::string>> NeededLibraries(const std::string& file);

}  // namespace warden::internal

#endif  // WARDEN_TRACER_ELF_FILE_H_
