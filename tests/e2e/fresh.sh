#!/usr/bin/env bash
# A fresh machine: every crate the example workspace locks must come from a
# Debian package scripts/setup.sh names itself, so README's first command
# does not depend on what the corpus setup (or anything else) installed.
. "$(dirname "$0")/lib.sh"

eval "$(sed -n '/^PKGS=(/,/^)/p' "$REPO/scripts/setup.sh")"
named=" ${PKGS[*]} "
installed_by_setup() { [ -n "$1" ] && case "$named" in *" $1 "*) true ;; *) false ;; esac; }
cp -r "$REPO/examples/demo" "$SCRATCH/demo"
(cd "$SCRATCH/demo" && cargo generate-lockfile --offline) > "$SCRATCH/lock.log" 2>&1
check "the example's Cargo.lock resolves offline from Debian's registry" [ -s "$SCRATCH/demo/Cargo.lock" ]
members=" $(cd "$SCRATCH/demo" && cargo metadata --offline --no-deps --format-version 1 |
  python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["packages"]))') "
while read -r name version; do
  case "$members" in *" $name "*) continue ;; esac
  owner=$(dpkg -S "/usr/share/cargo/registry/$name-$version" 2>/dev/null | head -1 | cut -d: -f1)
  check "$name $version comes from ${owner:-no package}, which scripts/setup.sh installs" \
    installed_by_setup "$owner"
done < <(python3 - "$SCRATCH/demo/Cargo.lock" <<'PY'
import sys, tomllib
for p in tomllib.load(open(sys.argv[1], "rb"))["package"]:
    print(p["name"], p["version"])
PY
)
finish
