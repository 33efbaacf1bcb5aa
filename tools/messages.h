// Cargo-style machine-readable messages (`--message-format json`): one JSON
// object per line on stdout, each with a "reason" as cargo's own messages
// have and keyed by cargo's `package_id`, so one consumer can read warden's
// records and cargo's (`-- build --message-format json`) from one stream.
// Consumers that switch on "reason" skip the ones they do not know, as
// cargo's documentation asks. README.md ("Machine-readable output") lists
// every field.
//
//   warden-build-script  one per build-script run of this build
//   warden-compile       one per package whose compilation ran under warden's
//                        floor and made requests (proc macros, the linker)
//   warden-request       one per distinct request: every denied one, and in
//                        learn every one
//   warden-finished      last: the mode, success, exit status and counts
#ifndef WARDEN_TOOLS_MESSAGES_H_
#define WARDEN_TOOLS_MESSAGES_H_

#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "db/store.h"
#include "learner/learner.h"
#include "tools/cargo.h"

namespace warden {

// PackageIds finds cargo's package_id for a package run from a manifest dir.
class PackageIds {
 public:
  explicit PackageIds(const std::vector<CargoPackage>& packages);
  // Find is the package_id cargo writes for `id` built from `manifest_dir`,
  // or "" when cargo's metadata did not list it.
  std::string Find(const PackageId& id, const std::string& manifest_dir) const;

 private:
  std::map<std::tuple<std::string, std::string, std::string>, std::string> ids_;
};

// MessageCounts is what warden-finished sums up.
struct MessageCounts {
  size_t build_scripts = 0;  // build-script runs this build
  size_t denied = 0;         // distinct denied requests
};

// PrintRunMessages writes the warden-build-script, warden-compile and
// warden-request records of `observed` (this run's: the build scripts'
// observations, one per entry of `invocations`, matched by out dir, then
// the compile observations). `learn` adds the allowed requests.
MessageCounts PrintRunMessages(const std::vector<Observation>& observed,
                               const std::vector<InvocationRecord>& invocations,
                               const PackageIds& ids, bool learn, FILE* out);

// PrintFinished writes warden-finished: `mode` "learn" or "enforce", the
// exit status cargo-warden returns, and the counts.
void PrintFinished(const std::string& mode, int exit_code,
                   const MessageCounts& counts, FILE* out);

}  // namespace warden

#endif  // WARDEN_TOOLS_MESSAGES_H_
