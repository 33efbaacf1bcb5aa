// Splitting paths into components, the one set of path helpers the policy,
// the learner and the tools share. Paths and patterns are plain strings:
// nothing here touches the file system.
//
// Repeated and trailing '/' never make an empty component: "//a//b/" has
// the components "a" and "b", like "/a/b". "/" (and "//") is the root, which
// has no parent and no name.
#ifndef WARDEN_POLICY_PATH_H_
#define WARDEN_POLICY_PATH_H_

#include <string>
#include <string_view>
#include <vector>

namespace warden {

// NextComponent reads the component at or after `pos` into `component` and
// moves `pos` past it; false when none is left. Allocates nothing (the
// matcher's hot path).
bool NextComponent(std::string_view path, size_t& pos,
                   std::string_view& component);

// SplitPath lists the components: "/a//b/" → {"a", "b"}, "{tmp}/cc*" →
// {"{tmp}", "cc*"}, "/" → {}.
std::vector<std::string_view> SplitPath(std::string_view path);

// NormalizePath collapses repeated '/' and drops a trailing '/' (except for
// the root itself).
std::string NormalizePath(std::string_view path);

// Dirname and Basename split at the last '/' that is not trailing:
// Dirname("/a/b/") is "/a", Dirname("/a") is "/", Dirname("/"), Dirname("a")
// and Dirname("{tmp}") are "" (so walking up ends); Basename("/a/b/") is "b",
// Basename("/") is "".
std::string_view Dirname(std::string_view path);
std::string_view Basename(std::string_view path);

// IsUnder says whether `path` is `dir` or lies below it, comparing whole
// components ("/a/bc" is not under "/a/b"; "/a/b" is under "/a/" and "/a").
// Every absolute path is under "/"; nothing is under "".
bool IsUnder(std::string_view path, std::string_view dir);

}  // namespace warden

#endif  // WARDEN_POLICY_PATH_H_
