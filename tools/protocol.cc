#include "tools/protocol.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

extern char** environ;

namespace warden {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// ParseFd reads a whole non-negative decimal descriptor number.
bool ParseFd(std::string_view s, int& fd) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), fd);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty() &&
         s[0] != '-';
}

}  // namespace

const char* ModeName(Mode mode) {
  switch (mode) {
    case Mode::kLearn:
      return "learn";
    case Mode::kContainedLearn:
      return "learn-contained";
    case Mode::kEnforce:
      return "enforce";
  }
  return "";
}

std::optional<Mode> ParseMode(std::string_view name) {
  for (Mode mode : {Mode::kLearn, Mode::kContainedLearn, Mode::kEnforce})
    if (std::string_view(ModeName(mode)) == name) return mode;
  return std::nullopt;
}

std::string GetEnv(const char* name) {
  const char* value = getenv(name);
  return value == nullptr ? "" : value;
}

std::vector<int> JobserverFds(std::string_view makeflags) {
  std::vector<int> fds;
  while (!makeflags.empty()) {
    size_t end = makeflags.find_first_of(" \t");
    std::string_view word = makeflags.substr(0, end);
    makeflags.remove_prefix(end == std::string_view::npos ? makeflags.size()
                                                          : end + 1);
    std::string_view value;
    for (std::string_view flag : {"--jobserver-fds=", "--jobserver-auth="})
      if (StartsWith(word, flag)) value = word.substr(flag.size());
    // "R,W": two descriptors; "fifo:PATH" names a file, no descriptor.
    size_t comma = value.find(',');
    int r, w;
    if (comma == std::string_view::npos || !ParseFd(value.substr(0, comma), r) ||
        !ParseFd(value.substr(comma + 1), w))
      continue;
    for (int fd : {r, w})
      if (std::find(fds.begin(), fds.end(), fd) == fds.end()) fds.push_back(fd);
  }
  return fds;
}

std::vector<std::string> CurrentEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  return env;
}

}  // namespace warden
