#!/usr/bin/env bash
# Real crates from Debian's registry: learn, enforce with the learned policy
# (fresh target dirs), learn again. Enforce must report zero denials and the
# second learn must give a byte-identical policy. WARDEN_E2E_CRATES picks the
# crates (default: a representative subset that fits CI).
. "$(dirname "$0")/lib.sh"

crates=${WARDEN_E2E_CRATES:-"libz-sys anyhow psm openssl-sys"}
if [ ! -d "$CORPUS/crates" ]; then
  skip "corpus not found at $CORPUS (set WARDEN_CORPUS)"
  finish; exit
fi
for c in $crates; do
  dir="$SCRATCH/$c"
  copy_corpus "$c" "$dir"
  cd "$dir"
  expect_fail=0; [ -f "$CORPUS/crates/$c/EXPECT_FAIL" ] && expect_fail=1
  "$WARDEN" learn --manifest-path "$dir/Cargo.toml" -- build --offline > "$dir/learn.log" 2>&1
  rc=$?
  if [ $expect_fail -eq 1 ]; then
    check "$c: learn fails as plain cargo does (EXPECT_FAIL)" [ $rc -ne 0 ]
    continue
  fi
  check "$c: learn builds" [ $rc -eq 0 ]
  [ $rc -eq 0 ] || { diag "$dir/learn.log"; continue; }
  cp "$dir/warden.yaml" "$dir/first.yaml"
  rm -rf "$dir/target"
  "$WARDEN" enforce --manifest-path "$dir/Cargo.toml" -- build --offline > "$dir/enforce.log" 2>&1
  rc=$?
  check "$c: enforce builds with zero denials" [ $rc -eq 0 ]
  [ $rc -eq 0 ] || diag "$dir/enforce.log"
  relearn_identical "$dir" "$c"
done
finish
