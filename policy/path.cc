#include "policy/path.h"

namespace warden {
namespace {

// WithoutTrailingSlashes drops trailing '/' but leaves the root "/".
std::string_view WithoutTrailingSlashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace

bool NextComponent(std::string_view path, size_t& pos,
                   std::string_view& component) {
  while (pos < path.size() && path[pos] == '/') ++pos;
  if (pos >= path.size()) return false;
  size_t end = path.find('/', pos);
  if (end == std::string_view::npos) end = path.size();
  component = path.substr(pos, end - pos);
  pos = end;
  return true;
}

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> components;
  size_t pos = 0;
  for (std::string_view c; NextComponent(path, pos, c);) components.push_back(c);
  return components;
}

std::string NormalizePath(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string_view Dirname(std::string_view path) {
  path = WithoutTrailingSlashes(path);
  const size_t slash = path.rfind('/');
  if (path == "/" || slash == std::string_view::npos) return {};
  std::string_view dir = path.substr(0, slash);
  while (dir.ends_with('/')) dir.remove_suffix(1);
  return dir.empty() ? path.substr(0, 1) : dir;
}

std::string_view Basename(std::string_view path) {
  path = WithoutTrailingSlashes(path);
  if (path == "/") return {};
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool IsUnder(std::string_view path, std::string_view dir) {
  if (dir.empty()) return false;
  dir = WithoutTrailingSlashes(dir);
  if (dir == "/") return path.starts_with('/');
  return path.starts_with(dir) &&
         (path.size() == dir.size() || path[dir.size()] == '/');
}

}  // namespace warden
