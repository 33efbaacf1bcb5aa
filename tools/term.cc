#include "tools/term.h"

#include "absl/status/status.h"

namespace warden {
namespace {

constexpr size_t kStatusWidth = 12;  // cargo's

const char* Code(Style s) {
  switch (s) {
    case Style::kGreen: return "\x1b[1m\x1b[32m";
    case Style::kRed: return "\x1b[1m\x1b[31m";
    case Style::kCyan: return "\x1b[1m\x1b[36m";
    case Style::kYellow: return "\x1b[1m\x1b[33m";
  }
  return "";
}

}  // namespace

absl::StatusOr<ColourMode> ParseColourMode(const std::string& text) {
  if (text == "auto") return ColourMode::kAuto;
  if (text == "always") return ColourMode::kAlways;
  if (text == "never") return ColourMode::kNever;
  return absl::InvalidArgumentError("colour must be auto, always or never, not '" +
                                    text + "'");
}

bool UseColour(ColourMode flag, const char* env, bool is_tty) {
  ColourMode mode = flag;
  if (mode == ColourMode::kAuto && env != nullptr) {
    absl::StatusOr<ColourMode> from_env = ParseColourMode(env);
    if (from_env.ok()) mode = *from_env;
  }
  if (mode == ColourMode::kAuto) return is_tty;
  return mode == ColourMode::kAlways;
}

std::string Painted(const std::string& text, Style style, bool colour) {
  return colour ? std::string(Code(style)) + text + "\x1b[0m" : text;
}

std::string StatusLine(const std::string& word, const std::string& text,
                       Style style, bool colour) {
  std::string pad(word.size() < kStatusWidth ? kStatusWidth - word.size() : 0, ' ');
  return pad + Painted(word, style, colour) + " " + text + "\n";
}

}  // namespace warden
