#!/usr/bin/env python3
"""Census of build scripts (issue 13, part 2).

For every crate version with a build script in the Debian crate registry
(/usr/share/cargo/registry, filled by ../shared/corpus/setup.sh and the extra
packages below), build a one-line workspace that depends on it under
`cargo warden learn`, and write census/data/<name>-<version>.json with the
learned warden.yaml entry, the build script's hashes and facts read from
warden's own outputs (the SQLite database, warden.yaml, and `show --format
json` when that has the fields). Resumable: a crate version with a data file
is skipped. Finally census/README.md is regenerated with the statistics.

Usage (one command, niced, from the repository root):
  nice python3 scripts/census.py BIN_DIR        # e.g. build/tools
  python3 scripts/census.py --report            # only regenerate README.md
Options: --timeout SECS per crate (default 300), --limit N crates this run,
--install to apt-get the extra EXTRA_PKGS first.
"""
import argparse, hashlib, json, os, re, shutil, sqlite3, subprocess, sys, time

REGISTRY = os.environ.get("CENSUS_REGISTRY", "/usr/share/cargo/registry")
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(HERE, "census")
DATA = os.path.join(OUT, "data")
WORK = os.environ.get("CENSUS_WORK", "/tmp/warden-census")
CARGO_CONFIG = os.path.join(HERE, "..", "shared", "corpus", "cargo-config.toml")
# Debian 12 crate packages with a build script beyond what corpus setup
# installs; `--install` adds them (apt, Debian's own archive).
EXTRA_PKGS = [
    "librust-blake3-dev", "librust-curl-sys-dev", "librust-libssh2-sys-dev",
    "librust-mio-dev", "librust-nix-dev", "librust-io-lifetimes-dev",
    "librust-proc-macro-error-dev", "librust-serde-derive-dev",
    "librust-syn-dev", "librust-quote-dev", "librust-getrandom-dev",
    "librust-ahash-dev", "librust-httparse-dev", "librust-tiny-keccak-dev",
]
WRITE_OPS = {"write", "create", "unlink", "rename", "mkdir", "rmdir", "link",
             "symlink", "chmod", "chown", "truncate"}
NET_OPS = {"connect", "bind", "socket"}


def has_build_script(src):
    toml = os.path.join(src, "Cargo.toml")
    try:
        text = open(toml, encoding="utf-8", errors="replace").read()
    except OSError:
        return None
    m = re.search(r'^\s*build\s*=\s*(false|"([^"]+)")', text, re.M)
    if m:
        return None if m.group(1) == "false" else m.group(2)
    return "build.rs" if os.path.isfile(os.path.join(src, "build.rs")) else None


def crate_of(dirname, src):
    text = open(os.path.join(src, "Cargo.toml"), encoding="utf-8",
                errors="replace").read()
    pkg = text.split("[package]", 1)[-1]
    name = re.search(r'^\s*name\s*=\s*"([^"]+)"', pkg, re.M)
    ver = re.search(r'^\s*version\s*=\s*"([^"]+)"', pkg, re.M)
    if not name or not ver:
        return None
    return name.group(1), ver.group(1)


def candidates():
    out = []
    for d in sorted(os.listdir(REGISTRY)):
        src = os.path.join(REGISTRY, d)
        if not os.path.isfile(os.path.join(src, "Cargo.toml")):
            continue
        build = has_build_script(src)
        if not build:
            continue
        nv = crate_of(d, src)
        if nv:
            size = sum(os.path.getsize(os.path.join(r, f))
                       for r, _, fs in os.walk(src) for f in fs)
            out.append((size, nv[0], nv[1], src, build))
    out.sort()  # small crates first: the most crates in the time there is
    return out


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def entry_text(yaml_text, name):
    """The `packages:` entry of NAME (and NAME@REQ) as warden wrote it."""
    lines, out, take = yaml_text.splitlines(), [], False
    for line in lines:
        m = re.match(r"^  (\S[^:]*):", line)
        if m:
            key = m.group(1).strip('"')
            take = key == name or key.startswith(name + "@")
        elif not line.startswith("   ") and line.strip():
            take = False
        if take:
            out.append(line)
    return "\n".join(out) + ("\n" if out else "")


def facts(db_path, name, version, home):
    f = {"build_script_sha256": [], "programs": [], "network": [],
         "home_reads": [], "writes_outside_out_dir": [], "directives": [],
         "ran": False, "exit_status": None}
    if not os.path.exists(db_path):
        return f
    db = sqlite3.connect(db_path)
    invs = db.execute("SELECT id, out_dir, binary_sha256, exit_status FROM "
                      "invocations WHERE package=? AND version=?",
                      (name, version)).fetchall()
    keep = (home + "/.cargo", home + "/.rustup")
    for inv, out_dir, sha, status in invs:
        f["ran"] = True
        f["exit_status"] = status
        f["build_script_sha256"].append(sha)
        for op, target in db.execute(
                "SELECT e.op, s.text FROM events e JOIN strings s ON "
                "s.id = e.target_id WHERE e.invocation_id=?", (inv,)):
            if op == "exec":
                f["programs"].append(target)
            elif op in NET_OPS:
                f["network"].append(op + " " + target)
            elif op == "read" and target.startswith(home + "/") and \
                    not target.startswith(keep):
                f["home_reads"].append(target)
            elif op in WRITE_OPS and out_dir and target.startswith("/") and \
                    not (target + "/").startswith(out_dir.rstrip("/") + "/") \
                    and target != "/dev/null":
                f["writes_outside_out_dir"].append(op + " " + target)
        for key, value in db.execute(
                "SELECT key, value FROM directives WHERE invocation_id=?", (inv,)):
            f["directives"].append(key + ("=" + value if value else ""))
    for k in ("build_script_sha256", "programs", "network", "home_reads",
              "writes_outside_out_dir", "directives"):
        f[k] = sorted(set(f[k]))
    return f


def show_json(warden, ws, db, name, env):
    """`show --format json` fields that warden's contained-learn branch adds."""
    try:
        p = subprocess.run([warden, "show", name, "--format", "json", "--db", db,
                            "--", "--offline"], cwd=ws, env=env, timeout=120,
                           capture_output=True, text=True)
    except subprocess.TimeoutExpired:
        return {}
    if p.returncode != 0:
        return {}
    got = {}
    for line in p.stdout.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        items = obj if isinstance(obj, list) else obj.get("packages", [obj]) \
            if isinstance(obj, dict) else []
        for it in items:
            if isinstance(it, dict) and it.get("name", it.get("package")) == name:
                for k in ("undeclared_inputs", "declared_unread"):
                    if k in it:
                        got[k] = it[k]
    return got


def census_one(warden, env, name, version, src, build, timeout):
    ws = os.path.join(WORK, name + "-" + version)
    shutil.rmtree(ws, ignore_errors=True)
    os.makedirs(os.path.join(ws, "src"))
    os.makedirs(os.path.join(ws, ".cargo"))
    shutil.copy(CARGO_CONFIG, os.path.join(ws, ".cargo", "config.toml"))
    open(os.path.join(ws, "src", "lib.rs"), "w").close()
    with open(os.path.join(ws, "Cargo.toml"), "w") as t:
        t.write('[package]\nname = "census-probe"\nversion = "0.0.0"\n'
                'edition = "2018"\n\n[dependencies]\n'
                '%s = "=%s"\n\n[workspace]\n' % (name, version))
    db = os.path.join(ws, "warden.db")
    target = os.path.join(WORK, "target")
    # One shared target dir (dependencies build once); its own build script
    # must run here, so it is cleaned first.
    subprocess.run(["cargo", "clean", "--offline", "-q", "-p", name,
                    "--target-dir", target], cwd=ws, env=env,
                   capture_output=True, timeout=120)
    t0 = time.time()
    try:
        p = subprocess.run([warden, "learn", "--db", db, "--", "build",
                            "--offline", "--target-dir", target], cwd=ws,
                           env=env, timeout=timeout, capture_output=True,
                           text=True)
        rc, log = p.returncode, p.stderr[-4000:]
    except subprocess.TimeoutExpired:
        rc, log = "timeout", ""
    secs = round(time.time() - t0, 1)
    policy = ""
    if os.path.exists(os.path.join(ws, "warden.yaml")):
        policy = open(os.path.join(ws, "warden.yaml")).read()
    rec = {"name": name, "version": version, "source": "registry",
           "build_script": build,
           "build_rs_sha256": sha256_file(os.path.join(src, build))
           if os.path.isfile(os.path.join(src, build)) else None,
           "learn_exit": rc, "build_ok": rc == 0, "learn_seconds": secs,
           "entry": entry_text(policy, name)}
    rec.update(facts(db, name, version, os.path.expanduser("~")))
    rec.update(show_json(warden, ws, db, name, env))
    if rc != 0:
        rec["log_tail"] = log
    return rec


def write_policies(recs):
    """census/policies/NAME-VERSION.yaml: the learned entry pinned to its
    version, a valid warden.yaml that `cargo warden import` reads."""
    pol = os.path.join(OUT, "policies")
    os.makedirs(pol, exist_ok=True)
    for r in recs:
        if not (r.get("ran") and r["build_ok"]):
            continue
        lines = r["entry"].splitlines() or ["  %s:" % r["name"]]
        body = [l for l in lines[1:] if not re.match(r"^    (version|source):", l)]
        text = ("# census: %s %s, build script sha256 %s (scripts/census.py)\n"
                "version: 1\npackages:\n%s\n    version: \"=%s\"\n"
                "    source: registry\n%s" % (
                    r["name"], r["version"], ",".join(r["build_script_sha256"]),
                    lines[0], r["version"], "".join(l + "\n" for l in body)))
        open(os.path.join(pol, "%s-%s.yaml" % (r["name"], r["version"])),
             "w").write(text)


def writes(r):
    """Written paths outside OUT_DIR; pipes and sockets are no files."""
    return [w.split(" ", 1)[1] for w in r["writes_outside_out_dir"]
            if w.split(" ", 1)[1].startswith("/")]


def report():
    recs = []
    for f in sorted(os.listdir(DATA)) if os.path.isdir(DATA) else []:
        if f.endswith(".json"):
            recs.append(json.load(open(os.path.join(DATA, f))))
    write_policies(recs)
    ran = [r for r in recs if r.get("ran")]
    n = len(ran) or 1
    progs = {}
    for r in ran:
        for p in r["programs"]:
            base = os.path.basename(p)
            progs.setdefault(base, set()).add(r["name"])

    def share(pred):
        k = sum(1 for r in ran if pred(r))
        return "%d (%.0f %%)" % (k, 100.0 * k / n)
    undecl = [r for r in ran if "undeclared_inputs" in r]
    rows = [
        ("crate versions with a build script, attempted", str(len(recs))),
        ("build succeeded under learn", str(sum(r["build_ok"] for r in recs))),
        ("build script ran and was recorded", str(len(ran))),
        ("run at least one program", share(lambda r: r["programs"])),
        ("use the network (connect/bind/socket)", share(lambda r: r["network"])),
        ("read under $HOME (outside ~/.cargo, ~/.rustup)",
         share(lambda r: r["home_reads"])),
        ("write outside OUT_DIR (files, /tmp included)",
         share(lambda r: writes(r))),
        ("write outside OUT_DIR and /tmp", share(lambda r: [
            w for w in writes(r)
            if w != "/tmp" and not w.startswith(("/tmp/", "/dev/"))])),
        ("emit a directive beyond rerun-if/warning",
         share(lambda r: any(not d.startswith(("rerun-if", "warning"))
                             for d in r["directives"]))),
        ("emit rustc-link-lib", share(lambda r: any(
            d.startswith("rustc-link-lib") for d in r["directives"]))),
        ("emit no rerun-if-* at all", share(lambda r: not any(
            d.startswith("rerun-if") for d in r["directives"]))),
        ("read an undeclared input (of %d with the field)" % len(undecl),
         share(lambda r: r.get("undeclared_inputs")) if undecl else "n/a: "
         "this warden's show --format json has no undeclared_inputs"),
    ]
    top = sorted(progs.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:15]
    lines = ["# Build-script census", "",
             "Generated by `scripts/census.py` (do not edit). One JSON file per "
             "crate version in `data/`: the learned `warden.yaml` entry, the "
             "build script's sha256 (source and the binary warden recorded) "
             "and facts from warden's database. Regenerate (resumable: done "
             "crate versions are skipped): `nice python3 scripts/census.py "
             "build/tools`; `--report` rewrites this file, `policies/` and "
             "the table in `docs/design.md` from `data/`.", "",
             "Done: %d of the %d crate versions with a build script in %s." % (
                 len(recs), len(candidates()), REGISTRY), "",
             "| statistic | crates |", "|---|---|"]
    lines += ["| %s | %s |" % r for r in rows]
    lines += ["", "Programs run (by crates running them; basename):", "",
              "| program | crates |", "|---|---|"]
    lines += ["| `%s` | %d (%s) |" % (p, len(c), ", ".join(sorted(c)[:6]) +
              (" …" if len(c) > 6 else "")) for p, c in top]
    failed = [r for r in recs if not r["build_ok"]]
    if failed:
        lines += ["", "Not built (learn exit status): " + ", ".join(
            "%s %s (%s)" % (r["name"], r["version"], r["learn_exit"])
            for r in failed)]
    os.makedirs(OUT, exist_ok=True)
    open(os.path.join(OUT, "README.md"), "w").write("\n".join(lines) + "\n")
    splice_design(lines[6:])
    print("\n".join(lines))


def splice_design(table):
    """docs/design.md carries the same table between its census markers."""
    path = os.path.join(HERE, "docs", "design.md")
    if not os.path.exists(path):
        return
    text = open(path).read()
    begin, end = "<!-- census:begin -->", "<!-- census:end -->"
    if begin not in text or end not in text:
        return
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    open(path, "w").write(head + begin + "\n" + "\n".join(table) + "\n" +
                          end + tail)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bin_dir", nargs="?", default=os.environ.get("WARDEN_BIN_DIR"))
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--report", action="store_true")
    ap.add_argument("--install", action="store_true")
    a = ap.parse_args()
    if a.report:
        report()
        return 0
    if not a.bin_dir:
        ap.error("BIN_DIR (or WARDEN_BIN_DIR) is needed: e.g. build/tools")
    if a.install:
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends"]
                       + EXTRA_PKGS, check=False)
    bin_dir = os.path.abspath(a.bin_dir)
    warden = os.path.join(bin_dir, "cargo-warden")
    env = dict(os.environ)
    env["PATH"] = bin_dir + ":" + os.path.expanduser("~/.cargo/bin") + ":" + \
        env.get("PATH", "")
    os.makedirs(DATA, exist_ok=True)
    os.makedirs(WORK, exist_ok=True)
    done = 0
    for _, name, version, src, build in candidates():
        path = os.path.join(DATA, "%s-%s.json" % (name, version))
        if os.path.exists(path):
            continue
        if a.limit and done >= a.limit:
            break
        rec = census_one(warden, env, name, version, src, build, a.timeout)
        with open(path + ".tmp", "w") as f:
            json.dump(rec, f, indent=1, sort_keys=True)
            f.write("\n")
        os.replace(path + ".tmp", path)
        done += 1
        print("%s %s: exit %s, %ss" % (name, version, rec["learn_exit"],
                                       rec["learn_seconds"]), flush=True)
    report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
