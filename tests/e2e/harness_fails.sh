#!/usr/bin/env bash
# Registered with should_fail: the relearn comparison the corpus checks use
# must report a difference when two learns really differ (a build script
# that reads another file on each run). If this ever passes, the harness
# cannot fail and every "byte-identical" result is void.
. "$(dirname "$0")/lib.sh"

dir="$SCRATCH/unstable"
cp -r "$REPO/tests/fixtures/unstable" "$dir"
"$WARDEN" learn --manifest-path "$dir/Cargo.toml" -- build --offline > "$dir/learn.log" 2>&1
check "learn builds the unstable fixture" [ $? -eq 0 ]
cp "$dir/warden.yaml" "$dir/first.yaml"
relearn_identical "$dir" unstable
# The "not ok" line is the failure meson expects; a non-zero exit would be
# an ERROR, which should_fail does not turn around.
finish
exit 0
