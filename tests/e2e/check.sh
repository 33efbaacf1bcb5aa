#!/usr/bin/env bash
# `cargo warden init` and `cargo warden check` on a copy of the example
# workspace: no build, only cargo metadata (offline) and the files.
. "$(dirname "$0")/lib.sh"

ws="$SCRATCH/demo"
cp -r "$REPO/examples/demo" "$ws"
rm -rf "$ws/target" "$ws/warden.yaml" "$ws/Cargo.lock"
cd "$ws"
y="$ws/warden.yaml"

"$WARDEN" init > "$SCRATCH/init.log" 2>&1
rc=$?
check "init writes warden.yaml (exit $rc)" [ $rc -eq 0 -a -s "$y" ]
[ $rc -eq 0 ] || diag "$SCRATCH/init.log"
check "init starts with a comment" grep -q '^# warden.yaml' "$y"
check "init has an entry for libz-sys" grep -q '^  libz-sys' "$y"
check "init grants demo-gen what it declares" grep -q 'greeting.txt' "$y"
cp "$y" "$SCRATCH/init.yaml"
echo "version: 1" > "$SCRATCH/other.yaml"; cp "$SCRATCH/other.yaml" "$y"
"$WARDEN" init > "$SCRATCH/init2.log" 2>&1
rc=$?
check "init refuses to overwrite (exit $rc)" [ $rc -eq 2 ]
check "and leaves the file as it was" cmp -s "$y" "$SCRATCH/other.yaml"
"$WARDEN" init --force > /dev/null 2>&1
check "init --force overwrites" cmp -s "$y" "$SCRATCH/init.yaml"

"$WARDEN" check > "$SCRATCH/check.log" 2>&1
rc=$?
check "check passes on the policy init wrote (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/check.log"

# expect_finding NAME KIND: check exits 1 and names KIND, human and json.
expect_finding() {
  "$WARDEN" check > "$SCRATCH/c.log" 2>&1; local rc=$?
  check "$1: exit 1 (got $rc)" [ $rc -eq 1 ]
  check "$1: reported as $2" grep -q "^$2: " "$SCRATCH/c.log"
  "$WARDEN" check --format json > "$SCRATCH/c.json" 2>/dev/null
  check "$1: json names $2" python3 -c "import json,sys; sys.exit(0 if any(f['kind']=='$2' for f in json.load(open('$SCRATCH/c.json'))) else 1)"
}
printf '  gone-sys: {}\n' >> "$y"
expect_finding "entry for a package no longer locked" stale-entry
cp "$SCRATCH/init.yaml" "$y"
python3 - "$y" <<'PY'
import sys; p = sys.argv[1]; s = open(p).read()
open(p, "w").write(s.replace("  libz-sys:", "  libz-sys:\n    version: \"<1\"", 1))
PY
expect_finding "requirement that no longer matches" version-mismatch
python3 - "$y" <<'PY'
import re, sys; p = sys.argv[1]; s = open(p).read()
open(p, "w").write(re.sub(r"  libz-sys:.*?(?=\n  \S|\Z)", "", s, count=1, flags=re.S))
PY
expect_finding "build script without an entry" missing-entry
cp "$SCRATCH/init.yaml" "$y"
sed -i 's#write = \["{out_dir}/\*\*"\]#write = ["{out_dir}/**", "{tmp}/x"]#' "$ws/demo-gen/Cargo.toml"
expect_finding "declared but not granted" declared-not-granted
finish
