#!/usr/bin/env bash
# Validates warden's SARIF with Microsoft's SARIF multitool (npm
# @microsoft/sarif-multitool, a self-contained linux binary), installed once
# into a cache dir. Skips only when npm is absent. TAP output.
# Usage: sarif_validate.sh SARIF_TEST_BINARY CARGO_WARDEN
set -uo pipefail
echo "1..5"
if ! command -v npm >/dev/null; then
  for i in 1 2 3 4 5; do echo "ok $i # SKIP npm not installed"; done; exit 0
fi
cache="${WARDEN_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/warden-npm}"
tool="$cache/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$tool" ]; then
  npm install --silent --prefix "$cache" @microsoft/sarif-multitool@5 >/dev/null 2>&1
  chmod u+x "$tool" 2>/dev/null
fi
if [ ! -x "$tool" ]; then echo "not ok 1 multitool install into $cache"; exit 1; fi
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT
# validate FILE: no "error" or "warning" lines from the multitool.
validate() {
  "$tool" validate "$1" --output "$dir/out.sarif" --log ForceOverwrite >"$dir/log" 2>&1
  ! grep -E ': (error|warning) ' "$dir/log"
}
WARDEN_SARIF_SAMPLE="$dir/sample.sarif" "$1" --gtest_filter='*WritesSample*' >/dev/null
if validate "$dir/sample.sarif"; then echo "ok 1 writer's sample is valid SARIF 2.1.0"
else echo "not ok 1 writer's sample is valid SARIF 2.1.0"; fi
# The validator must be able to fail: a result without its message.
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["runs"][0]["results"][0]["message"]; json.dump(d,open(sys.argv[2],"w"))' \
  "$dir/sample.sarif" "$dir/broken.sarif"
if validate "$dir/broken.sarif" >/dev/null; then echo "not ok 2 validator rejects a broken document"
else echo "ok 2 validator rejects a broken document"; fi
# diff --format sarif of two policies: exit 1 (added), a valid document
# located at demo's entry (line 3) in the new policy.
printf 'version: 1\npackages:\n  demo:\n    read: ["/a"]\n' >"$dir/before.yaml"
printf 'version: 1\npackages:\n  demo:\n    read: ["/b"]\n    exec: ["sh"]\n' >"$dir/after.yaml"
"$2" diff --before "$dir/before.yaml" --after "$dir/after.yaml" --format sarif >"$dir/diff.sarif"
rc=$?
if [ "$rc" = 1 ] && grep -q WARDEN-EXEC-ADDED "$dir/diff.sarif" &&
   grep -q '"startLine": 3' "$dir/diff.sarif" && validate "$dir/diff.sarif"
then echo "ok 3 diff --format sarif is valid SARIF 2.1.0"
else echo "not ok 3 diff --format sarif is valid SARIF 2.1.0 (rc $rc)"; fi
# enforce --format sarif on a tiny fixture whose build script creates a file
# next to its manifest (denied by a policy without it): exit 1, SARIF on
# stdout, the human report on stderr.
command -v cargo >/dev/null || export PATH="$HOME/.cargo/bin:$PATH"
cp -r "$(dirname "$0")/fixtures/unstable" "$dir/ws"
printf 'version: 1\npackages:\n  other: {}\n  unstable:\n    read: ["/x"]\n' >"$dir/ws/warden.yaml"
warden=$(realpath "$2")
(cd "$dir/ws" && "$warden" enforce --format sarif -- build --offline >"$dir/enforce.sarif" 2>"$dir/enforce.err")
rc=$?
if [ "$rc" = 1 ] && grep -q '"ruleId": "WARDEN-CREATE-DENIED"' "$dir/enforce.sarif" &&
   grep -A5 '"uri": "warden.yaml"' "$dir/enforce.sarif" | grep -q '"startLine": 4' &&
   grep -q '"uri": "Cargo.toml"' "$dir/enforce.sarif" && grep -q 'allow with' "$dir/enforce.err" &&
   validate "$dir/enforce.sarif"
then echo "ok 4 enforce --format sarif is valid SARIF 2.1.0"
else echo "not ok 4 enforce --format sarif is valid SARIF 2.1.0 (rc $rc)"; sed 's/^/# /' "$dir/enforce.err" | tail -20; fi
# check --format sarif: the same fixture with no entry for unstable (a
# build script) and one for a package not locked: exit 1, both findings,
# the stale one located at its entry (line 3).
printf 'version: 1\npackages:\n  other: {}\n' >"$dir/ws/warden.yaml"
(cd "$dir/ws" && "$warden" check --format sarif >"$dir/check.sarif" 2>"$dir/check.err")
rc=$?
if [ "$rc" = 1 ] && grep -q '"ruleId": "WARDEN-CHECK-MISSING-ENTRY"' "$dir/check.sarif" &&
   grep -q '"ruleId": "WARDEN-CHECK-STALE-ENTRY"' "$dir/check.sarif" &&
   grep -q '"startLine": 3' "$dir/check.sarif" && validate "$dir/check.sarif"
then echo "ok 5 check --format sarif is valid SARIF 2.1.0"
else echo "not ok 5 check --format sarif is valid SARIF 2.1.0 (rc $rc)"; sed 's/^/# /' "$dir/check.err" | tail -20; fi
