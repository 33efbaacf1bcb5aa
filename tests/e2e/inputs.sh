#!/usr/bin/env bash
# Undeclared inputs: a build script that reads data/extra.txt without a
# rerun-if-changed for it, and declares declared.txt it never reads; one
# learn, then show (human and JSON) names both.
. "$(dirname "$0")/lib.sh"

ws="$SCRATCH/inputs"
cp -r "$REPO/tests/fixtures/inputs" "$ws"
cd "$ws"

"$WARDEN" learn --manifest-path "$ws/Cargo.toml" -- build --offline > "$SCRATCH/learn.log" 2>&1
rc=$?
check "learn builds the inputs fixture (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/learn.log"

"$WARDEN" show --format json inputs > "$SCRATCH/show.json" 2> "$SCRATCH/show.err"
rc=$?
check "show --format json exits 0 (exit $rc)" [ $rc -eq 0 ]
field() { python3 -c 'import json,sys; print(json.dumps(json.loads(open(sys.argv[1]).readline())[sys.argv[2]]))' "$SCRATCH/show.json" "$1"; }
check "undeclared_inputs is the undeclared read" \
  [ "$(field undeclared_inputs)" = '["{manifest_dir}/data/extra.txt"]' ]
check "declared_unread is the unread declaration, not build.rs" \
  [ "$(field declared_unread)" = '["{manifest_dir}/declared.txt"]' ]
check "the object names the package" [ "$(field name)" = '"inputs"' ]
check "show --format json prints one line per package" [ "$(wc -l < "$SCRATCH/show.json")" -eq 1 ]
grep -q extra.txt "$SCRATCH/show.json" || diag "$SCRATCH/show.json" "$SCRATCH/show.err"

"$WARDEN" show inputs > "$SCRATCH/show.txt" 2>&1
check "human show lists the undeclared read" \
  bash -c "grep -A1 'read but not declared by rerun-if-changed' '$SCRATCH/show.txt' | grep -q '{manifest_dir}/data/extra.txt'"
check "human show lists the unread declaration" \
  bash -c "grep -A1 'declared but never read' '$SCRATCH/show.txt' | grep -q '{manifest_dir}/declared.txt'"
"$WARDEN" show --format yaml > /dev/null 2>&1
check "an unknown --format exits 2" [ $? -eq 2 ]
finish
