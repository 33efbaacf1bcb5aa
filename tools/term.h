// Cargo-like terminal output: colour choice and right-aligned status words.
//
// Usage:
//   bool colour = UseColour(ParseColourMode(flag).value(), getenv("CARGO_TERM_COLOR"),
//                           isatty(STDERR_FILENO));
//   fputs(StatusLine("Enforcing", "demo v0.1.0", Style::kGreen, colour).c_str(), stderr);
// Pure: no I/O, thread-compatible.
#ifndef WARDEN_TOOLS_TERM_H_
#define WARDEN_TOOLS_TERM_H_

#include <string>

#include "absl/status/statusor.h"

namespace warden {

// ColourMode is --color / CARGO_TERM_COLOR: auto (only on a tty), always, never.
enum class ColourMode { kAuto, kAlways, kNever };

// ParseColourMode reads "auto", "always" or "never"; anything else is
// InvalidArgument naming the accepted values.
absl::StatusOr<ColourMode> ParseColourMode(const std::string& text);

// UseColour decides as cargo does: an explicit --color (`flag` not kAuto)
// wins, else CARGO_TERM_COLOR (`env` may be null or unparsable: auto), else
// colour only when the stream is a tty.
bool UseColour(ColourMode flag, const char* env, bool is_tty);

// Style is the colour of a status word (cargo: green progress, red errors,
// cyan notes, yellow warnings), always bold.
enum class Style { kGreen, kRed, kCyan, kYellow };

// Painted is `text` in bold `style` when `colour`, else `text` unchanged.
std::string Painted(const std::string& text, Style style, bool colour);

// StatusLine is `word` right-aligned to cargo's width of 12, a space,
// `text` and a newline; the word in bold colour when `colour`.
std::string StatusLine(const std::string& word, const std::string& text,
                       Style style, bool colour);

}  // namespace warden

#endif  // WARDEN_TOOLS_TERM_H_
