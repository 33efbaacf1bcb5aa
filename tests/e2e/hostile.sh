#!/usr/bin/env bash
# The end-to-end acceptance test of enforce: a build script that reads a
# secret under $HOME, connects to a loopback listener and runs /bin/sh.
# learn must record all three; enforce with a policy that lacks them must deny
# all three, leak nothing, fail the run and name all three in its report.
. "$(dirname "$0")/lib.sh"

ws="$SCRATCH/ws"
cp -r "$REPO/tests/fixtures/hostile" "$ws"
hostile_world
cp "$SCRATCH/port" "$ws/evil/port.txt"

# learn (a warden.yaml already exists: the build script will try to tamper)
printf 'version: 1\n' > "$ws/warden.yaml"
"$WARDEN" learn --manifest-path "$ws/Cargo.toml" --policy "$ws/warden.yaml" \
  -- build --offline > "$SCRATCH/learn.log" 2>&1
rc=$?
check "learn succeeds on a hostile build script (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/learn.log"
db="$ws/target/warden/warden.db"
q() { sqlite3 "$db" "select count(*) from events e join strings s on s.id = e.target_id where $1"; }
check "learn recorded the secret read" [ "$(q "e.op = 'read' and s.text = '$home/.warden-e2e-secret'")" -ge 1 ]
check "learn recorded the connect" [ "$(q "e.op = 'connect' and s.text = 'tcp:127.0.0.1:$port'")" -ge 1 ]
check "learn recorded the shell exec" [ "$(q "e.op = 'exec' and s.text like '%sh'")" -ge 1 ]
check "learn proposed the three grants" grep -q "connect" "$ws/warden.proposed.yaml"
check "learn kept the build script away from warden.yaml" bash -c "! grep -q tampered '$ws/warden.yaml'"
check "learn kept the build script away from the database" \
  bash -c "sqlite3 '$db' 'pragma integrity_check' | grep -qx ok && ! grep -qa tampered '$db'"
check "learn recorded the tampering as denied" [ "$(sqlite3 "$db" "select count(*) from events where op = 'write' and allowed = 0")" -ge 2 ]
check "learn let the connect through" [ "$(wc -l < "$accepts")" -ge 1 ]

# enforce with a policy that grants nothing beyond the baseline
echo "version: 1" > "$ws/warden.yaml"
rm -rf "$ws/target" "$ws/evil/MARKER"
before=$(wc -l < "$accepts")
"$WARDEN" enforce --manifest-path "$ws/Cargo.toml" --policy "$ws/warden.yaml" \
  -- build --offline > "$SCRATCH/enforce.log" 2>&1
rc=$?
check "enforce exits non-zero when it denied something (exit $rc)" [ $rc -ne 0 ]
check "the listener accepted no connection under enforce" [ "$(wc -l < "$accepts")" -eq "$before" ]
check "MARKER was not created" [ ! -e "$ws/evil/MARKER" ]
check "the secret is nowhere in the target dir" bash -c "! grep -rqa '$secret' '$ws/target'"
check "the secret is not in the output" bash -c "! grep -qa '$secret' '$SCRATCH/enforce.log'"
check "the report names the secret read" grep -q "read .*\.warden-e2e-secret" "$SCRATCH/enforce.log"
check "the report names the connect" grep -q "connect .*tcp:127.0.0.1:$port" "$SCRATCH/enforce.log"
check "the report names the shell" grep -qE "exec .*/(sh|dash)" "$SCRATCH/enforce.log"
check "the report says how to allow it" grep -q 'allow with' "$SCRATCH/enforce.log"
grep -q 'allow with' "$SCRATCH/enforce.log" || diag "$SCRATCH/enforce.log"

# JSON report: one object per denial, for CI tooling
rm -rf "$ws/target"
"$WARDEN" enforce --format json --manifest-path "$ws/Cargo.toml" \
  --policy "$ws/warden.yaml" -- build --offline > "$SCRATCH/enforce.json" 2>/dev/null
check "--format json prints one JSON object per denial" \
  [ "$(grep -c '"kind":"denied"' "$SCRATCH/enforce.json")" -ge 3 ]

finish
