// One JSON value on one line, for the JSON Lines outputs.
#ifndef WARDEN_TOOLS_JSON_LINE_H_
#define WARDEN_TOOLS_JSON_LINE_H_

#include <nlohmann/json.hpp>
#include <string>

namespace warden {

// JsonLine is `j` on one line; bytes that are not UTF-8 (a path can hold
// any) become U+FFFD instead of an exception.
inline std::string JsonLine(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The same for records that keep their fields in the order written.
inline std::string JsonLine(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace warden

#endif  // WARDEN_TOOLS_JSON_LINE_H_
