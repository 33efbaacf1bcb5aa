#include "policy/utf8.h"

namespace warden::policy_internal {

size_t Utf8Length(std::string_view s, size_t i, uint32_t& cp) {
  const auto byte = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  size_t n;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

bool ValidUtf8(std::string_view s) {
  uint32_t cp;
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8Length(s, i, cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool IsWhiteSpace(uint32_t cp) {
  return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 ||
         cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000;
}

std::string_view TrimStart(std::string_view s) {
  uint32_t cp;
  size_t i = 0;
  while (i < s.size()) {
    size_t n = Utf8Length(s, i, cp);
    if (n == 0 || !IsWhiteSpace(cp)) break;
    i += n;
  }
  return s.substr(i);
}

std::string_view TrimEnd(std::string_view s) {
  while (!s.empty()) {
    size_t start = s.size() - 1;
    while (start > 0 && (static_cast<uint8_t>(s[start]) & 0xC0) == 0x80)
      --start;
    uint32_t cp;
    if (Utf8Length(s, start, cp) != s.size() - start || !IsWhiteSpace(cp))
      break;
    s.remove_suffix(s.size() - start);
  }
  return s;
}

std::string_view Trim(std::string_view s) { return TrimEnd(TrimStart(s)); }

size_t CharLength(std::string_view s, size_t i) {
  uint32_t cp;
  size_t n = Utf8Length(s, i, cp);
  return n == 0 ? 1 : n;
}

}  // namespace warden::policy_internal
