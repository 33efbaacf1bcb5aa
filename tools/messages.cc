#include "tools/messages.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "policy/decider.h"
#include "tools/json_line.h"
#include "tools/report.h"

// Records keep their fields in the order written, "reason" first as in
// cargo's messages.

namespace warden {
namespace {

std::string Canonical(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::weakly_canonical(dir, ec).string();
}

// PackageFields are the fields every record about a package carries.
nlohmann::ordered_json PackageFields(const char* reason, const Observation& o,
                             const PackageIds& ids) {
  const std::string id = ids.Find(o.package, o.vars.manifest_dir);
  return {{"reason", reason},
          {"package_id", id.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(id)},
          {"name", o.package.name},
          {"version", o.package.version},
          {"source", o.package.source}};
}

// PrintRequests writes one warden-request per denied event of `o` (and per
// allowed one when `learn`).
void PrintRequests(const Observation& o, const PackageIds& ids, bool learn,
                   FILE* out) {
  for (const Event& e : o.events) {
    if (e.allowed && !learn) continue;
    nlohmann::ordered_json j = PackageFields("warden-request", o, ids);
    j["section"] = o.compile ? "compile" : "packages";
    j["operation"] = std::string(OpName(e.op));
    j["target"] = e.target;
    j["detail"] = e.detail;
    j["allowed"] = e.allowed;
    j["hidden"] = !e.allowed && Hidden(e);
    j["errno"] = e.error;
    j["count"] = e.count;
    j["allow_with"] = e.allowed || Hidden(e) ? "" : AllowLine(o, e);
    fprintf(out, "%s\n", JsonLine(j).c_str());
  }
}

}  // namespace

PackageIds::PackageIds(const std::vector<CargoPackage>& packages) {
  for (const CargoPackage& p : packages)
    ids_[{p.id.name, p.id.version, Canonical(p.manifest_dir)}] = p.cargo_id;
}

std::string PackageIds::Find(const PackageId& id,
                             const std::string& manifest_dir) const {
  auto it = ids_.find({id.name, id.version, Canonical(manifest_dir)});
  return it == ids_.end() ? "" : it->second;
}

MessageCounts PrintRunMessages(const std::vector<Observation>& observed,
                               const std::vector<InvocationRecord>& invocations,
                               const PackageIds& ids, bool learn, FILE* out) {
  MessageCounts counts;
  for (const InvocationRecord& inv : invocations) {
    auto o = std::find_if(observed.begin(), observed.end(), [&](const Observation& o) {
      return !o.compile && o.vars.out_dir == inv.out_dir;
    });
    if (o == observed.end()) continue;
    const size_t denied = DeniedCount(*o);
    nlohmann::ordered_json j = PackageFields("warden-build-script", *o, ids);
    j["mode"] = learn ? "learn" : "enforce";
    j["out_dir"] = inv.out_dir;
    j["exit_status"] = inv.exit_status;
    j["requests"] = inv.notifications;
    j["distinct_requests"] = o->events.size();
    j["denied"] = denied;
    j["decision"] = denied == 0 ? "allowed" : "denied";
    fprintf(out, "%s\n", JsonLine(j).c_str());
    PrintRequests(*o, ids, learn, out);
    counts.build_scripts += 1;
    counts.denied += denied;
  }
  for (const Observation& o : observed) {
    if (!o.compile || o.events.empty()) continue;
    const size_t denied = DeniedCount(o);
    nlohmann::ordered_json j = PackageFields("warden-compile", o, ids);
    j["distinct_requests"] = o.events.size();
    j["denied"] = denied;
    j["decision"] = denied == 0 ? "allowed" : "denied";
    fprintf(out, "%s\n", JsonLine(j).c_str());
    PrintRequests(o, ids, learn, out);
    counts.denied += denied;
  }
  return counts;
}

void PrintFinished(const std::string& mode, int exit_code,
                   const MessageCounts& counts, FILE* out) {
  nlohmann::ordered_json j = {{"reason", "warden-finished"},
                      {"mode", mode},
                      {"success", exit_code == 0},
                      {"exit_code", exit_code},
                      {"build_scripts", counts.build_scripts},
                      {"denied", counts.denied}};
  fprintf(out, "%s\n", JsonLine(j).c_str());
  fflush(out);
}

}  // namespace warden
