#!/usr/bin/env bash
# One source of truth for path variables (issue 14): learn runs with one
# HOME, show reads the database with another, and still spells the build
# script's read with the {home} its supervisor matched ("{home}/.paths-input"),
# not with the reader's.
. "$(dirname "$0")/lib.sh"

ws="$SCRATCH/paths"
cp -r "$REPO/tests/fixtures/paths" "$ws"
cd "$ws"
builder="$SCRATCH/builder-home"; reader="$SCRATCH/reader-home"
mkdir -p "$builder" "$reader"
echo hello > "$builder/.paths-input"
# cargo and rustup keep their own homes: only the build script's HOME moves.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"

HOME="$builder" "$WARDEN" learn --manifest-path "$ws/Cargo.toml" -- build --offline > "$SCRATCH/learn.log" 2>&1
rc=$?
check "learn builds the paths fixture (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/learn.log"
check "the proposal reads {home}/.paths-input" grep -q '{home}/.paths-input' "$ws/warden.yaml"

# Only the database speaks now: no warden.yaml to show as granted.
mv "$ws/warden.yaml" "$ws/learned.yaml"
HOME="$reader" "$WARDEN" show paths > "$SCRATCH/show.txt" 2>&1
rc=$?
check "show from another HOME exits 0 (exit $rc)" [ $rc -eq 0 ]
check "show spells the read with the builder's {home}" grep -q '{home}/.paths-input' "$SCRATCH/show.txt"
check "show does not spell it as the builder's absolute path" \
  sh -c "! grep -q '$builder/.paths-input' '$SCRATCH/show.txt'"
grep -q '{home}/.paths-input' "$SCRATCH/show.txt" || diag "$SCRATCH/show.txt"

HOME="$reader" "$WARDEN" show --format json paths > "$SCRATCH/show.json" 2>&1
check "show --format json too" grep -q '{home}/.paths-input' "$SCRATCH/show.json"
finish
