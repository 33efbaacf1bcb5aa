#include "tools/atomic_write.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "tracer/unique_fd.h"

namespace warden {

absl::Status WriteFileAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".XXXXXX";
  UniqueFd fd(mkostemp(tmp.data(), O_CLOEXEC));
  auto fail = [&](const char* what) {
    absl::Status s = absl::FailedPreconditionError(
        absl::StrCat("cannot ", what, " ", path, ": ", strerror(errno)));
    if (fd.valid()) unlink(tmp.c_str());
    return s;
  };
  if (!fd.valid()) return fail("create a temporary file to write");
  // Policy files are meant to be read and committed: 0644, not mkstemp's 0600.
  if (fchmod(fd.get(), 0644) != 0) return fail("set the mode of");
  for (size_t done = 0; done < text.size();) {
    ssize_t n = write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("write");
    done += static_cast<size_t>(n);
  }
  if (fsync(fd.get()) != 0) return fail("flush");
  if (rename(tmp.c_str(), path.c_str()) != 0) return fail("rename into place");
  return absl::OkStatus();
}

}  // namespace warden
