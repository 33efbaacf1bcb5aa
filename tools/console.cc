#include "tools/console.h"

#include <unistd.h>

#include <cstdlib>

namespace warden {

absl::StatusOr<Console> Console::ForStderr(const std::string& colour_flag,
                                           Verbosity verbosity) {
  absl::StatusOr<ColourMode> mode =
      ParseColourMode(colour_flag.empty() ? "auto" : colour_flag);
  if (!mode.ok()) return mode.status();
  return Console(UseColour(*mode, std::getenv("CARGO_TERM_COLOR"),
                           isatty(STDERR_FILENO) == 1),
                 verbosity, stderr);
}

void Console::Status(const std::string& word, const std::string& text,
                     Style style) const {
  if (verbosity_ == Verbosity::kQuiet) return;
  fputs(StatusLine(word, text, style, colour_).c_str(), out_);
}

void Console::Detail(const std::string& word, const std::string& text) const {
  if (verbosity_ != Verbosity::kVerbose) return;
  fputs(StatusLine(word, text, Style::kCyan, colour_).c_str(), out_);
}

void Console::Labelled(const char* label, Style style,
                       const std::string& text) const {
  fprintf(out_, "%s: %s\n", Painted(label, style, colour_).c_str(), text.c_str());
}

void Console::Note(const std::string& text) const {
  if (verbosity_ != Verbosity::kQuiet) Labelled("note", Style::kCyan, text);
}

void Console::Warning(const std::string& text) const {
  Labelled("warning", Style::kYellow, text);
}

void Console::Error(const std::string& text) const {
  Labelled("error", Style::kRed, text);
}

}  // namespace warden
