#include "policy/semver.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace warden::policy_internal {
namespace {

absl::string_view Absl(std::string_view s) { return {s.data(), s.size()}; }

absl::Status BadReq(std::string_view text, std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(
      "bad version requirement \"", Absl(text), "\": ", Absl(what),
      " (hint: write it as in Cargo.toml: \"1.2.3\", \"^0.16\", \"~1.2\", "
      "\"=1.2.3\", \">=1, <2\", \"0.16.*\" or \"*\")"));
}

std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = s.find(separator, start);
    parts.push_back(s.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

std::string_view Trim(std::string_view s) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(Absl(s));
  return {trimmed.data(), trimmed.size()};
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

std::optional<uint64_t> ParseNumber(std::string_view s) {
  uint64_t n = 0;
  if (!IsDigits(s) || s.size() > 18 || !absl::SimpleAtoi(Absl(s), &n))
    return std::nullopt;
  return n;
}

std::optional<std::vector<std::string>> ParsePre(std::string_view s) {
  std::vector<std::string> ids;
  for (std::string_view id : Split(s, '.')) ids.emplace_back(id);
  for (const std::string& id : ids) {
    bool ok = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
      return absl::ascii_isalnum(c) || c == '-';
    });
    if (!ok) return std::nullopt;
  }
  return ids;
}

int CompareIdentifiers(const std::string& a, const std::string& b) {
  bool a_num = IsDigits(a), b_num = IsDigits(b);
  if (a_num != b_num) return a_num ? -1 : 1;
  if (a_num && a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return a.compare(b) < 0 ? -1 : (a == b ? 0 : 1);
}

int ComparePre(const std::vector<std::string>& a,
               const std::vector<std::string>& b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  for (size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (int c = CompareIdentifiers(a[i], b[i]); c != 0) return c;
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

bool SameRelease(const Version& a, const Version& b) {
  return a.major == b.major && a.minor == b.minor && a.patch == b.patch;
}

// Partial is a comparator's version with the parts it left out.
struct Partial {
  uint64_t major = 0;
  std::optional<uint64_t> minor;
  std::optional<uint64_t> patch;
  std::vector<std::string> pre;
};

// SplitPrerelease drops build metadata ("+…") and splits "1.2.3-rc.1" into
// the numeric core and the pre-release ("1.2.3", "rc.1").
std::pair<std::string_view, std::string_view> SplitPrerelease(
    std::string_view text) {
  std::string_view core = text.substr(0, text.find('+'));
  std::string_view pre;
  if (size_t dash = core.find('-'); dash != std::string_view::npos) {
    pre = core.substr(dash + 1);
    core = core.substr(0, dash);
  }
  return {core, pre};
}

bool IsWildcard(std::string_view s) { return s == "*" || s == "x" || s == "X"; }

// ParsePartial parses "1", "1.2", "1.2.3-pre+build", "1.*", "1.2.x".
absl::StatusOr<Partial> ParsePartial(std::string_view text,
                                     std::string_view whole) {
  auto [core, pre] = SplitPrerelease(text);
  std::vector<std::string_view> parts = Split(core, '.');
  if (parts.size() > 3) return BadReq(whole, "too many version parts");
  Partial partial;
  bool wildcard = false;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (IsWildcard(parts[i])) {
      if (i == 0) return BadReq(whole, "'*' must stand alone");
      wildcard = true;
      continue;
    }
    std::optional<uint64_t> n = ParseNumber(parts[i]);
    if (!n || wildcard)
      return BadReq(whole, absl::StrCat("\"", Absl(parts[i]),
                                        "\" is not a version number"));
    if (i == 0) partial.major = *n;
    if (i == 1) partial.minor = *n;
    if (i == 2) partial.patch = *n;
  }
  if (pre.data() != nullptr) {
    std::optional<std::vector<std::string>> ids = ParsePre(pre);
    if (!partial.patch || !ids)
      return BadReq(whole, "bad pre-release part");
    partial.pre = *ids;
  }
  return partial;
}

Version Make(uint64_t major, uint64_t minor, uint64_t patch,
             std::vector<std::string> pre = {}) {
  return Version{major, minor, patch, std::move(pre)};
}

Version Floor(const Partial& p) {
  return Make(p.major, p.minor.value_or(0), p.patch.value_or(0), p.pre);
}

// NextUp is the first version after everything `p` names: 1 → 2.0.0,
// 1.2 → 1.3.0, 1.2.3 → 1.2.4.
Version NextUp(const Partial& p) {
  if (!p.minor) return Make(p.major + 1, 0, 0);
  if (!p.patch) return Make(p.major, *p.minor + 1, 0);
  return Make(p.major, *p.minor, *p.patch + 1);
}

using Bound = VersionReq::Bound;
struct Interval {
  std::optional<Bound> lower;
  std::optional<Bound> upper;
};

Interval CaretInterval(const Partial& p) {
  Version upper;
  if (p.major > 0 || !p.minor) {
    upper = Make(p.major + 1, 0, 0);
  } else if (*p.minor > 0 || !p.patch) {
    upper = Make(0, *p.minor + 1, 0);
  } else {
    upper = Make(0, 0, *p.patch + 1);
  }
  return {Bound{Floor(p), true}, Bound{upper, false}};
}

Interval ComparatorInterval(std::string_view op, const Partial& p) {
  bool exact = p.patch.has_value();
  if (op == "=") {
    if (exact) return {Bound{Floor(p), true}, Bound{Floor(p), true}};
    return {Bound{Floor(p), true}, Bound{NextUp(p), false}};
  }
  if (op == ">") {
    if (exact) return {Bound{Floor(p), false}, std::nullopt};
    return {Bound{NextUp(p), true}, std::nullopt};
  }
  if (op == ">=") return {Bound{Floor(p), true}, std::nullopt};
  if (op == "<") return {std::nullopt, Bound{Floor(p), false}};
  if (op == "<=") {
    if (exact) return {std::nullopt, Bound{Floor(p), true}};
    return {std::nullopt, Bound{NextUp(p), false}};
  }
  if (op == "~") {
    Partial minor_step = p;
    minor_step.patch.reset();
    return {Bound{Floor(p), true}, Bound{NextUp(minor_step), false}};
  }
  return CaretInterval(p);
}

// Tighter picks the stricter of two bounds; `lower` says which end they are.
Bound Tighter(const Bound& a, const Bound& b, bool lower) {
  int c = CompareVersions(a.version, b.version);
  if (c == 0) return Bound{a.version, a.inclusive && b.inclusive};
  return (c > 0) == lower ? a : b;
}

void Intersect(std::optional<Bound>& into, const std::optional<Bound>& b,
               bool lower) {
  if (!b) return;
  into = into ? Tighter(*into, *b, lower) : *b;
}

std::string_view TakeOperator(std::string_view& text) {
  for (std::string_view op : {">=", "<=", ">", "<", "=", "~", "^"}) {
    if (text.substr(0, op.size()) == op) {
      text.remove_prefix(op.size());
      return op;
    }
  }
  return "^";
}

}  // namespace

std::optional<Version> ParseVersion(std::string_view text) {
  auto [core, pre] = SplitPrerelease(text);
  std::vector<std::string_view> parts = Split(core, '.');
  if (parts.size() != 3) return std::nullopt;
  Version v;
  std::optional<uint64_t> major = ParseNumber(parts[0]);
  std::optional<uint64_t> minor = ParseNumber(parts[1]);
  std::optional<uint64_t> patch = ParseNumber(parts[2]);
  if (!major || !minor || !patch) return std::nullopt;
  v.major = *major;
  v.minor = *minor;
  v.patch = *patch;
  if (pre.data() != nullptr) {
    std::optional<std::vector<std::string>> ids = ParsePre(pre);
    if (!ids) return std::nullopt;
    v.pre = *ids;
  }
  return v;
}

int CompareVersions(const Version& a, const Version& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  return ComparePre(a.pre, b.pre);
}

absl::StatusOr<VersionReq> VersionReq::Parse(std::string_view text) {
  VersionReq req;
  std::string_view trimmed = Trim(text);
  if (trimmed.empty()) return BadReq(text, "empty requirement");
  for (std::string_view piece : Split(trimmed, ',')) {
    std::string_view comparator = Trim(piece);
    if (comparator.empty()) return BadReq(text, "empty comparator");
    if (comparator == "*" || comparator == "x" || comparator == "X") continue;
    std::string_view op = TakeOperator(comparator);
    comparator = Trim(comparator);
    absl::StatusOr<Partial> partial = ParsePartial(comparator, text);
    if (!partial.ok()) return partial.status();
    Interval interval = ComparatorInterval(op, *partial);
    Intersect(req.lower_, interval.lower, /*lower=*/true);
    Intersect(req.upper_, interval.upper, /*lower=*/false);
    if (!partial->pre.empty()) req.pre_release_bases_.push_back(Floor(*partial));
  }
  if (req.lower_ && req.upper_) {
    int c = CompareVersions(req.lower_->version, req.upper_->version);
    if (c > 0 || (c == 0 && !(req.lower_->inclusive && req.upper_->inclusive)))
      return BadReq(text, "no version satisfies it");
  }
  return req;
}

bool VersionReq::Matches(const Version& version) const {
  if (!version.pre.empty() &&
      std::none_of(pre_release_bases_.begin(), pre_release_bases_.end(),
                   [&](const Version& base) {
                     return SameRelease(base, version);
                   }))
    return false;
  if (lower_) {
    int c = CompareVersions(version, lower_->version);
    if (c < 0 || (c == 0 && !lower_->inclusive)) return false;
  }
  if (upper_) {
    int c = CompareVersions(version, upper_->version);
    if (c > 0 || (c == 0 && !upper_->inclusive)) return false;
  }
  return true;
}

}  // namespace warden::policy_internal
