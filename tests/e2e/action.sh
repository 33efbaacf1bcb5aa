#!/usr/bin/env bash
# The GitHub action's steps (scripts/action.sh) run locally on the example
# workspace with the runner's variables simulated.
. "$(dirname "$0")/lib.sh"

ws="$SCRATCH/demo"
cp -r "$REPO/examples/demo" "$ws"
rm -rf "$ws/target" "$ws/warden.yaml" "$ws/Cargo.lock"
export PATH="$WARDEN_BIN_DIR:$PATH"   # cargo finds cargo-warden on PATH
cd "$ws"
"$WARDEN" learn -- build --offline > "$SCRATCH/learn.log" 2>&1
check "learn on the example workspace" [ -s "$ws/warden.yaml" ]

export GITHUB_WORKSPACE="$ws" RUNNER_TEMP="$SCRATCH/runner"
export GITHUB_STEP_SUMMARY="$SCRATCH/summary.md" GITHUB_OUTPUT="$SCRATCH/output"
export WARDEN_CARGO_ARGS="-- build --offline"
mkdir -p "$RUNNER_TEMP"; : > "$GITHUB_STEP_SUMMARY"; : > "$GITHUB_OUTPUT"
"$REPO/scripts/action.sh" "$ws" > "$SCRATCH/action.log" 2>&1
rc=$?
check "the action's steps pass with the learned policy (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/action.log"
check "the step summary has the warden heading" grep -q '^## warden' "$GITHUB_STEP_SUMMARY"
check "the step summary has the diff after it" [ "$(wc -l < "$GITHUB_STEP_SUMMARY")" -ge 2 ]
check "GITHUB_OUTPUT has the status" grep -qx 'status=0' "$GITHUB_OUTPUT"
check "the SARIF file appears" grep -q '"version": *"2.1.0"' "$RUNNER_TEMP/warden.sarif"
check "GITHUB_OUTPUT names the SARIF file" grep -qx "sarif=$RUNNER_TEMP/warden.sarif" "$GITHUB_OUTPUT"

# A denial must fail the action: a policy without the build script's needs.
printf 'version: 1\npackages: {}\n' > "$ws/warden.yaml"
rm -rf "$ws/target/debug"   # build scripts rerun only on a cold build
"$REPO/scripts/action.sh" "$ws" > "$SCRATCH/action2.log" 2>&1
rc=$?
check "the action fails when enforce denies (exit $rc)" [ $rc -eq 1 ]
check "the SARIF file holds the denial" grep -q 'WARDEN-[A-Z]*-DENIED' "$RUNNER_TEMP/warden.sarif"
finish
