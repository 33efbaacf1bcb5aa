#!/usr/bin/env bash
# learn --contained: the hostile build script (a secret under $HOME, a
# loopback listener, a write outside the build) is refused all three and the
# proposal grants them marked `needs review:`; a build script that needs the
# network fails, and learn names the refused connect as the cause; a corpus
# crate that needs nothing of the kind learns cleanly.
. "$(dirname "$0")/lib.sh"

hostile_world

# The hostile fixture.
ws="$SCRATCH/ws"
cp -r "$REPO/tests/fixtures/hostile" "$ws"
cp "$SCRATCH/port" "$ws/evil/port.txt"
"$WARDEN" learn --contained --manifest-path "$ws/Cargo.toml" -- build --offline \
  > "$SCRATCH/learn.log" 2>&1
rc=$?
check "learn --contained succeeds on the hostile build script (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/learn.log"
check "the listener accepted no connection" [ "$(wc -l < "$accepts")" -eq 0 ]
check "the secret is nowhere in the target dir" bash -c "! grep -rqa '$secret' '$ws/target'"
check "the secret is not in the output" bash -c "! grep -qa '$secret' '$SCRATCH/learn.log'"
check "MARKER was not created in the package" [ ! -e "$ws/evil/MARKER" ]
check "the shell still ran (/bin/sh is the system's)" \
  grep -q "shell: exit status" "$ws"/target/debug/build/evil-*/out/loot.txt
policy="$ws/warden.yaml"
check "the proposal grants the connect, marked" \
  grep -q "tcp:127.0.0.1:$port.*# needs review: network" "$policy"
check "the proposal grants the secret read, marked" \
  grep -q 'warden-e2e-secret.*# needs review: read under \$HOME' "$policy"
check "the proposal grants the write outside, marked" \
  grep -q "MARKER.*# needs review: write outside" "$policy"
check "learn says what the fence refused" \
  grep -q -- "--contained refused 3 requests of 1 package" "$SCRATCH/learn.log"
check "warden.yaml's tampering is refused and not proposed" bash -c "! grep -q 'warden.yaml' '$policy'"
grep -q "needs review" "$policy" || diag "$policy"

# A build script that needs the network fails, and learn blames the connect.
fw="$SCRATCH/fetcher"
cp -r "$REPO/tests/fixtures/fetcher" "$fw"
cp "$SCRATCH/port" "$fw/fetcher/port.txt"
"$WARDEN" learn --contained --manifest-path "$fw/Cargo.toml" -- build --offline \
  > "$SCRATCH/fetcher.log" 2>&1
rc=$?
check "learn --contained exits with the build-failed status (exit $rc)" [ $rc -eq 4 ]
check "learn names the failed package and its refused connect" \
  grep -qE "^    network: connect tcp:127.0.0.1:$port; allow with connect: \"tcp:127.0.0.1:$port\" under packages: fetcher:" "$SCRATCH/fetcher.log"
check "learn names the package whose build script failed" \
  grep -q "fetcher 0.1.0 (build script exited 1)" "$SCRATCH/fetcher.log"
check "learn says how to go on" grep -q "rerun with the rule added" "$SCRATCH/fetcher.log"
grep -q "allow with" "$SCRATCH/fetcher.log" || diag "$SCRATCH/fetcher.log"
# With the rule added the fence lets it through (the policy is reviewed).
printf 'version: 1\npackages:\n  fetcher:\n    connect: ["tcp:127.0.0.1:%s"]\n' "$port" \
  > "$fw/warden.yaml"
"$WARDEN" learn --contained --manifest-path "$fw/Cargo.toml" -- build --offline \
  > "$SCRATCH/fetcher2.log" 2>&1
rc=$?
check "with the rule in warden.yaml contained learn builds (exit $rc)" [ $rc -eq 0 ]
[ $rc -eq 0 ] || diag "$SCRATCH/fetcher2.log"
check "...and refused nothing" grep -q -- "--contained refused nothing" "$SCRATCH/fetcher2.log"

# A corpus crate that needs nothing of the kind learns cleanly.
if [ -d "$CORPUS/crates/libz-sys" ]; then
  cw="$SCRATCH/libz"
  copy_corpus libz-sys "$cw"
  # From the project: cargo finds the offline config by the cwd.
  ( cd "$cw" && "$WARDEN" learn --contained -- build --offline ) > "$SCRATCH/libz.log" 2>&1
  rc=$?
  check "libz-sys learns under --contained (exit $rc)" [ $rc -eq 0 ]
  [ $rc -eq 0 ] || diag "$SCRATCH/libz.log"
  check "libz-sys: the fence refused nothing" grep -q -- "--contained refused nothing" "$SCRATCH/libz.log"
  check "libz-sys: no needs-review rule" bash -c "[ -f '$cw/warden.yaml' ] && ! grep -q 'needs review' '$cw/warden.yaml'"
else
  skip "libz-sys corpus crate not set up"
fi

finish
