// Directive sits beside Event, the other record that flows from the build
// script to db and learner, so learner.h need not include db/store.h.
#ifndef WARDEN_TRACER_DIRECTIVE_H_
#define WARDEN_TRACER_DIRECTIVE_H_

#include <cstdint>
#include <string>

namespace warden {

// A directive ("cargo:rustc-link-lib=z") a build script printed.
struct Directive {
  int64_t invocation_id = 0;
  std::string key;    // "rustc-link-lib"
  std::string value;  // "z"
};

}  // namespace warden

#endif  // WARDEN_TRACER_DIRECTIVE_H_
