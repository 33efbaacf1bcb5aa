// Text as Rust reads it: UTF-8 validity as str::from_utf8 checks it and the
// trims of str::trim, for reading build-script output as cargo does and for
// spelling paths as valid text. Internal to policy/.
#ifndef WARDEN_POLICY_UTF8_H_
#define WARDEN_POLICY_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace warden::policy_internal {

// Utf8Length is the length of the valid UTF-8 sequence starting at s[i]
// (no overlongs, no surrogates, nothing above U+10FFFF), or 0. `cp` gets the
// code point.
size_t Utf8Length(std::string_view s, size_t i, uint32_t& cp);

// ValidUtf8 says whether all of `s` is valid UTF-8.
bool ValidUtf8(std::string_view s);

// CharLength is the length of the character at s[i] (1 for a stray byte).
size_t CharLength(std::string_view s, size_t i);

// IsWhiteSpace is Unicode's White_Space property, which Rust's
// char::is_whitespace (and so str::trim) uses.
bool IsWhiteSpace(uint32_t cp);

// TrimStart, TrimEnd and Trim drop White_Space as str::trim does; they
// assume valid UTF-8.
std::string_view TrimStart(std::string_view s);
std::string_view TrimEnd(std::string_view s);
std::string_view Trim(std::string_view s);

}  // namespace warden::policy_internal

#endif  // WARDEN_POLICY_UTF8_H_
