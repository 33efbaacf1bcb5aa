// ScratchDir: a fresh directory under /tmp for one test, removed with it.
#ifndef WARDEN_TESTS_SCRATCH_DIR_H_
#define WARDEN_TESTS_SCRATCH_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

namespace warden {

class ScratchDir {
 public:
  // Creates /tmp/<prefix>.XXXXXX (canonical); path() is empty on failure.
  explicit ScratchDir(const std::string& prefix) {
    std::string tmpl = "/tmp/" + prefix + ".XXXXXX";
    if (mkdtemp(tmpl.data()) != nullptr)
      path_ = std::filesystem::canonical(tmpl);
  }
  ~ScratchDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace warden

#endif  // WARDEN_TESTS_SCRATCH_DIR_H_
