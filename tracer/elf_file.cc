#include "tracer/elf_file.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <climits>
#include <cstring>

#include "tracer/unique_fd.h"

namespace warden::internal {
namespace {

// ProgramHeaders are those of the 64-bit ELF file `fd` whose first bytes
// are `head`; nullopt when it is none.
std::optional<std::vector<Elf64_Phdr>> ProgramHeaders(int fd,
                                                      std::string_view head) {
  Elf64_Ehdr header;
  if (head.size() < sizeof header) return std::nullopt;
  memcpy(&header, head.data(), sizeof header);
  if (memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64 ||
      header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum == 0 ||
      header.e_phnum >= PN_XNUM)
    return std::nullopt;
  // All program headers in one read: a binary has a dozen.
  std::vector<Elf64_Phdr> phdrs(header.e_phnum);
  const ssize_t size = static_cast<ssize_t>(phdrs.size() * sizeof(Elf64_Phdr));
  if (pread(fd, phdrs.data(), size, header.e_phoff) != size) return std::nullopt;
  return phdrs;
}

// FileOffset is where the loaded address `addr` lies in the file.
std::optional<uint64_t> FileOffset(const std::vector<Elf64_Phdr>& phdrs,
                                   uint64_t addr) {
  for (const Elf64_Phdr& ph : phdrs)
    if (ph.p_type == PT_LOAD && addr >= ph.p_vaddr &&
        addr - ph.p_vaddr < ph.p_filesz)
      return ph.p_offset + (addr - ph.p_vaddr);
  return std::nullopt;
}

}  // namespace

std::string ElfInterpreter(int fd, std::string_view head) {
  const std::optional<std::vector<Elf64_Phdr>> phdrs = ProgramHeaders(fd, head);
  if (!phdrs) return "";
  for (const Elf64_Phdr& ph : *phdrs) {
    if (ph.p_type != PT_INTERP) continue;
    if (ph.p_filesz == 0 || ph.p_filesz > PATH_MAX) return "";
    std::string path(ph.p_filesz, '\0');
    if (pread(fd, path.data(), path.size(), ph.p_offset) !=
        static_cast<ssize_t>(path.size()))
      return "";
    return std::string(path.c_str());
  }
  return "";
}

std::optional<std::vector<std::string>> NeededLibraries(const std::string& file) {
  UniqueFd fd(open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return std::nullopt;
  char head[sizeof(Elf64_Ehdr)];
  const ssize_t got = pread(fd.get(), head, sizeof head, 0);
  const std::optional<std::vector<Elf64_Phdr>> phdrs =
      ProgramHeaders(fd.get(), std::string_view(head, got > 0 ? got : 0));
  if (!phdrs) return std::nullopt;
  std::vector<std::string> needed;
  for (const Elf64_Phdr& ph : *phdrs) {
    if (ph.p_type != PT_DYNAMIC) continue;
    // A binary's dynamic section is a few dozen entries; 1 MiB is no ELF.
    if (ph.p_filesz > (1 << 20)) return std::nullopt;
    std::vector<Elf64_Dyn> dyns(ph.p_filesz / sizeof(Elf64_Dyn));
    const ssize_t size = static_cast<ssize_t>(dyns.size() * sizeof(Elf64_Dyn));
    if (pread(fd.get(), dyns.data(), size, ph.p_offset) != size)
      return std::nullopt;
    uint64_t strtab = 0, strsz = 0;
    std::vector<uint64_t> names;
    for (const Elf64_Dyn& d : dyns) {
      if (d.d_tag == DT_NULL) break;
      if (d.d_tag == DT_STRTAB) strtab = d.d_un.d_ptr;
      if (d.d_tag == DT_STRSZ) strsz = d.d_un.d_val;
      if (d.d_tag == DT_NEEDED) names.push_back(d.d_un.d_val);
    }
    if (names.empty()) return needed;
    const std::optional<uint64_t> at = FileOffset(*phdrs, strtab);
    if (!at || strsz == 0 || strsz > (1 << 20)) return std::nullopt;
    std::string strings(strsz, '\0');
    if (pread(fd.get(), strings.data(), strsz, *at) !=
        static_cast<ssize_t>(strsz))
      return std::nullopt;
    for (uint64_t offset : names) {
      if (offset >= strsz) return std::nullopt;
      needed.emplace_back(strings.c_str() + offset);
    }
  }
  return needed;
}

}  // namespace warden::internal
