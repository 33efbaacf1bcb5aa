// Console is how cargo-warden talks to a person on stderr, in cargo's way:
// status words right-aligned in colour ("   Enforcing …"), labelled notes,
// warnings and errors; -q keeps only warnings, errors and the denial
// report, -v adds per-build-script detail.
#ifndef WARDEN_TOOLS_CONSOLE_H_
#define WARDEN_TOOLS_CONSOLE_H_

#include <cstdio>
#include <string>

#include "absl/status/statusor.h"
#include "tools/term.h"

namespace warden {

enum class Verbosity { kQuiet, kNormal, kVerbose };

class Console {
 public:
  Console(bool colour, Verbosity verbosity, FILE* out)
      : colour_(colour), verbosity_(verbosity), out_(out) {}

  // ForStderr decides colour from `colour_flag` (--color: auto, always or
  // never; "" is auto), $CARGO_TERM_COLOR and whether stderr is a tty. An
  // unknown --color value is InvalidArgument.
  static absl::StatusOr<Console> ForStderr(const std::string& colour_flag,
                                           Verbosity verbosity);

  // Status is a progress line, hidden by -q.
  void Status(const std::string& word, const std::string& text,
              Style style = Style::kGreen) const;
  // Detail is a status line shown only with -v.
  void Detail(const std::string& word, const std::string& text) const;
  // Note is "note: …", hidden by -q.
  void Note(const std::string& text) const;
  // Warning and Error are "warning: …" and "error: …", always shown.
  void Warning(const std::string& text) const;
  void Error(const std::string& text) const;

  bool colour() const { return colour_; }
  bool quiet() const { return verbosity_ == Verbosity::kQuiet; }
  FILE* out() const { return out_; }

 private:
  void Labelled(const char* label, Style style, const std::string& text) const;

  bool colour_;
  Verbosity verbosity_;
  FILE* out_;
};

}  // namespace warden

#endif  // WARDEN_TOOLS_CONSOLE_H_
