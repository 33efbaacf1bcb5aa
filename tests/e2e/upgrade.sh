#!/usr/bin/env bash
# Upgrade review: a dependency whose new version's build script also runs a
# shell and connects to the network. `cargo warden diff` must name both with
# their risk labels and exit 1; with nothing changed it exits 0.
. "$(dirname "$0")/lib.sh"

ws="$SCRATCH/ws"
cp -r "$REPO/tests/fixtures/upgrade" "$ws"
cd "$ws"
cp -r dep-v1 dep
"$WARDEN" learn -- build --offline > "$SCRATCH/v1.log" 2>&1
check "learn with dep 1.0.0" [ $? -eq 0 ]
rm -rf dep && cp -r dep-v2 dep
"$WARDEN" learn -- build --offline > "$SCRATCH/v2.log" 2>&1
check "learn with dep 1.1.0" [ $? -eq 0 ]

"$WARDEN" diff --format markdown > "$SCRATCH/diff.md" 2> "$SCRATCH/diff.err"
rc=$?
check "diff exits 1 when the upgrade adds permissions (exit $rc)" [ $rc -eq 1 ]
# The learner may write the shell as an exec or as the `shell` profile.
check "markdown names the shell with its risk" grep -qE '\| dep \| 1\.0\.0 -> 1\.1\.0 \| added \| (exec \| `/(usr/)?bin/(sh|dash)`|profile \| `shell`) \| \*\*shell-exec\*\* \|' "$SCRATCH/diff.md"
check "markdown names the connect with its risk" grep -qE '\| added \| connect \| `tcp:127\.0\.0\.1:9` \| \*\*network\*\* \|' "$SCRATCH/diff.md"
check "markdown names the new link argument" grep -q 'link-arg' "$SCRATCH/diff.md"
check "markdown shows the version change" grep -qE 'version .*1\.0\.0 \(path\) -> 1\.1\.0 \(path\)' "$SCRATCH/diff.md"
grep -q 'shell-exec' "$SCRATCH/diff.md" || diag "$SCRATCH/diff.md" "$SCRATCH/diff.err"

"$WARDEN" diff --format json > "$SCRATCH/diff.json" 2>/dev/null
check "json diff: one object per change" python3 -c "import json,sys; [json.loads(l) for l in open(sys.argv[1])]" "$SCRATCH/diff.json"

touch dep/build.rs
"$WARDEN" learn -- build --offline > "$SCRATCH/v2b.log" 2>&1
"$WARDEN" diff > "$SCRATCH/same.txt" 2>&1
rc=$?
check "diff of two runs with no change exits 0 (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/same.txt"

# enforce with the policy learned from 1.0.0 (warden.yaml; the 1.1.0
# proposal went to warden.proposed.yaml): all three additions are denied.
rm -rf target
"$WARDEN" enforce -- build --offline > "$SCRATCH/enforce.log" 2>&1
rc=$?
check "enforce of the upgrade with the old policy fails (exit $rc)" [ $rc -eq 1 ]
check "enforce reports the new link directive" grep -q 'denied directive rustc-link-arg=-Wl,--as-needed' "$SCRATCH/enforce.log"
check "enforce reports the new shell" grep -qE 'denied exec .*/(sh|dash)' "$SCRATCH/enforce.log"
grep -q 'denied directive' "$SCRATCH/enforce.log" || diag "$SCRATCH/enforce.log"

# Two policy files work too.
printf 'version: 1\n' > "$SCRATCH/a.yaml"
printf 'version: 1\npackages:\n  dep:\n    exec: ["/bin/sh"]\n' > "$SCRATCH/b.yaml"
"$WARDEN" diff --before "$SCRATCH/a.yaml" --after "$SCRATCH/b.yaml" > "$SCRATCH/files.txt" 2>&1
check "diff of two policy files exits 1 on an addition" [ $? -eq 1 ]
"$WARDEN" diff --before "$SCRATCH/b.yaml" --after "$SCRATCH/b.yaml" > /dev/null 2>&1
check "diff of a policy file with itself exits 0" [ $? -eq 0 ]
finish
