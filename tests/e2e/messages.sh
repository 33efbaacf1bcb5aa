#!/usr/bin/env bash
# cargo-style output on a real build of the example workspace:
# --message-format json records (package_id and out_dir must be the ones
# cargo's own build-script-executed messages carry, in one stream with
# them), and --color / CARGO_TERM_COLOR / -q / -v on stderr.
. "$(dirname "$0")/lib.sh"

ws="$SCRATCH/demo"
cp -r "$REPO/examples/demo" "$ws"
rm -rf "$ws/target" "$ws/warden.yaml" "$ws/Cargo.lock"
cd "$ws"

"$WARDEN" learn --message-format json -- build --offline \
  > "$SCRATCH/learn.json" 2> "$SCRATCH/learn.err"
rc=$?
check "learn --message-format json succeeds (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/learn.err"
# records.py FILE EXPR: evaluates EXPR over the parsed lines `r` (a line
# that is not JSON fails it).
records() {
  python3 - "$@" <<'PY'
import json, sys
r = [json.loads(line) for line in open(sys.argv[1])]
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}
check "learn: every stdout line is a JSON record" records "$SCRATCH/learn.json" "len(r) > 0"
check "learn: three build-script records" \
  records "$SCRATCH/learn.json" "sum(x['reason'] == 'warden-build-script' for x in r) == 3"
check "learn: allowed requests are recorded" \
  records "$SCRATCH/learn.json" "any(x['reason'] == 'warden-request' and x['allowed'] for x in r)"
check "learn: warden-finished comes last and says success" \
  records "$SCRATCH/learn.json" "r[-1]['reason'] == 'warden-finished' and r[-1]['success'] and r[-1]['mode'] == 'learn'"

# enforce with cargo's own JSON messages in the same stream.
rm -rf target
"$WARDEN" enforce --message-format json -- build --offline --message-format json \
  > "$SCRATCH/enforce.json" 2> "$SCRATCH/enforce.err"
rc=$?
check "enforce --message-format json succeeds (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/enforce.err"
check "enforce: warden's and cargo's records share one stream" \
  records "$SCRATCH/enforce.json" "{'build-script-executed', 'warden-build-script'} <= {x['reason'] for x in r}"
check "enforce: each build script cargo ran has a warden record with cargo's package_id and out_dir" \
  records "$SCRATCH/enforce.json" "sorted((x['package_id'], x['out_dir']) for x in r if x['reason'] == 'build-script-executed') == sorted((x['package_id'], x['out_dir']) for x in r if x['reason'] == 'warden-build-script')"
check "enforce: no request denied" \
  records "$SCRATCH/enforce.json" "all(x['decision'] == 'allowed' for x in r if x['reason'] == 'warden-build-script') and not any(x['reason'] == 'warden-request' for x in r)"
check "enforce: warden-finished says success" \
  records "$SCRATCH/enforce.json" "r[-1] == {'reason': 'warden-finished', 'mode': 'enforce', 'success': True, 'exit_code': 0, 'build_scripts': 3, 'denied': 0}"

# A denial: libz-sys's pkg-config profile taken away.
cp warden.yaml "$SCRATCH/learned.yaml"
python3 - warden.yaml <<'PY'
import sys
p = sys.argv[1]; s = open(p).read()
cut = "    profiles:\n      - pkg-config\n"
assert cut in s, "the learned policy has no pkg-config profile for libz-sys"
open(p, "w").write(s.replace(cut, ""))
PY
rm -rf target
"$WARDEN" enforce --message-format json -- build --offline > "$SCRATCH/denied.json" 2> "$SCRATCH/denied.err"
rc=$?
check "enforce without libz-sys's pkg-config profile fails with 1 (exit $rc)" [ $rc -eq 1 ]
check "enforce: a denial is a warden-request record with the line that allows it" \
  records "$SCRATCH/denied.json" "any(x['reason'] == 'warden-request' and not x['allowed'] and x['allow_with'] and x['package_id'].endswith('#libz-sys@1.1.8') for x in r)"
check "enforce: warden-finished says failure" \
  records "$SCRATCH/denied.json" "r[-1]['reason'] == 'warden-finished' and not r[-1]['success'] and r[-1]['exit_code'] == 1 and r[-1]['denied'] > 0"
check "enforce: the human report went to stderr, grouped under the package" \
  grep -qE "Denied libz-sys v1.1.8 \(registry, build script\): [0-9]+ requests?" "$SCRATCH/denied.err"
cp "$SCRATCH/learned.yaml" warden.yaml

# Colours: --color wins, then CARGO_TERM_COLOR, else only on a tty (stderr
# here is a file: none).
esc=$'\e['
rm -rf target
run_learn() { "$WARDEN" learn "$@" -- build --offline 2>&1 >/dev/null; }
check "--color always colours the status words" bash -c "$(declare -f run_learn); WARDEN='$WARDEN'; run_learn --color always | grep -qF '$esc'"
check "--color never does not" bash -c "$(declare -f run_learn); WARDEN='$WARDEN'; ! CARGO_TERM_COLOR=always run_learn --color never | grep -qF '$esc'"
check "CARGO_TERM_COLOR=always colours without --color" bash -c "$(declare -f run_learn); WARDEN='$WARDEN'; CARGO_TERM_COLOR=always run_learn | grep -qF '$esc'"
check "no colour when stderr is not a tty" bash -c "$(declare -f run_learn); WARDEN='$WARDEN'; ! CARGO_TERM_COLOR= run_learn | grep -qF '$esc'"
# script(1) gives a real tty: colour by default there.
if command -v script >/dev/null; then
  script -qec "'$WARDEN' learn -- build --offline" /dev/null > "$SCRATCH/tty.log" 2>&1
  check "colour by default on a tty" grep -qF "$esc" "$SCRATCH/tty.log"
else
  skip "script(1) not installed: no tty to test on"
fi
run_learn -q > "$SCRATCH/quiet.log"
check "-q prints no status lines" bash -c "! grep -qE 'Learning|Supervised|Fresh' '$SCRATCH/quiet.log'"
touch demo-gen/build.rs
run_learn -v > "$SCRATCH/verbose.log"
check "-v prints a line per build-script run" grep -qE "Supervised demo-gen v0.1.0: [0-9]+ distinct requests, 0 denied" "$SCRATCH/verbose.log"
finish
