#!/usr/bin/env bash
# Escapes that do not go through a build script's own trapped syscalls: link
# arguments that run or read files in the linker, rustc-env steering rustc's
# loader and warden's own wrapper, directives hidden behind whitespace cargo
# trims, rustc reading files for generated code and proc macros, an inherited
# descriptor, build scripts acting on other processes, and tests running
# nested cargo. With a policy of only `version: 1`, enforce must block every
# one, name the directive where there is one, and fail the run.
# One crate of tests/fixtures/escape per class, one fresh target dir per run.
. "$(dirname "$0")/lib.sh"

ws="$SCRATCH/ws"
cp -r "$REPO/tests/fixtures/escape" "$ws"
markers="$SCRATCH/markers"
mkdir -p "$markers"
# The secret lives under a fake $HOME, outside /tmp and outside the workspace.
# cargo and rustup keep their homes; only the build's $HOME is fake.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
fakehome="$(mktemp -d "$HOME/.warden-e2e-home.XXXXXX")"
secret="warden-e2e-escape-secret-$RANDOM$RANDOM$RANDOM"
secret_path="$fakehome/.warden-e2e-secret"
echo "$secret" > "$secret_path"
export HOME="$fakehome"

listener= canary=
cleanup() {
  [ -n "$listener" ] && kill "$listener" 2>/dev/null
  [ -n "$canary" ] && kill "$canary" 2>/dev/null
  rm -rf "$SCRATCH" "$fakehome"
}
trap cleanup EXIT

accepts="$SCRATCH/accepts"
start_listener "$accepts" "$SCRATCH/port"
cp "$SCRATCH/port" "$ws/nested/port.txt"

# Per crate: where its attack leaves a marker, where the secret is.
for dir in "$ws"/*/; do
  name=$(basename "$dir")
  echo "$markers/$name" > "$dir/marker.txt"
  echo "$secret_path" > "$dir/secret.txt"
done
# Class 3's shared object, prebuilt so that its build script needs no exec.
have_cc=0
if cc -shared -fPIC -o "$ws/preload/evil.so" "-DMARKER_PATH=\"$markers/preload\"" \
     "$ws/preload/evil.c" 2>"$SCRATCH/cc.log"; then
  have_cc=1
fi
printf 'version: 1\n' > "$ws/warden.yaml"

# run MODE NAME CARGO_ARGS...: cargo-warden MODE on a fresh target dir, with
# the log in $SCRATCH/NAME.log and the exit status in $rc.
run() {
  local mode="$1" name="$2"; shift 2
  rm -rf "$ws/target" "$markers"/*
  "$WARDEN" "$mode" --manifest-path "$ws/Cargo.toml" --policy "$ws/warden.yaml" \
    -- "$@" > "$SCRATCH/$name.log" 2>&1
  rc=$?
  printf 'version: 1\n' > "$ws/warden.yaml"
}
absent() { [ ! -e "$1" ]; }
no_secret() { ! grep -rqaF "$secret" "$@"; }
# reports PKG DIRECTIVE LOG: the report has a denied directive line for PKG.
reports() {
  awk -v pkg="Denied escape-$1 v" -v dir="$2" '
    /^ *Denied / { inpkg = index($0, pkg) > 0; next }
    inpkg && /denied directive/ && index($0, dir) { found = 1 }
    END { exit !found }' "$3"
}
# show LOG when a class failed, for whoever reads the TAP stream.
show_if_failed() { [ "$TAP_FAILED" -gt "$1" ] && diag "$2"; true; }

# Control: plain cargo (no warden) on the same fixture, so a pass below means
# warden blocked a live attack, not that the fixture stopped working.
# fd 7 on the secret, not close-on-exec, for fdleak (as in class 9 below).
cargo build --offline --workspace --exclude escape-wrapper --exclude escape-renice \
  --keep-going --manifest-path "$ws/Cargo.toml" > "$SCRATCH/control.log" 2>&1 7<"$secret_path"
for class in linkrun ws-space ws-tab ws-nbsp; do
  check "control: without warden, $class's planted linker ran" [ -e "$markers/$class" ]
done
if [ $have_cc = 1 ]; then
  check "control: without warden, preload's LD_PRELOAD object ran in rustc" [ -e "$markers/preload" ]
fi
check "control: without warden, linkread's -Wl,@secret echoed the secret" grep -qaF "$secret" "$SCRATCH/control.log"
for class in includeabs symlink usemacro; do
  check "control: without warden, $class's rlib holds the secret" \
    grep -qaF "$secret" "$ws"/target/debug/deps/libescape_"$class"-*.rlib
done
check "control: without warden, fdleak read the secret from fd 7 into OUT_DIR" \
  grep -qaF "$secret" "$ws"/target/debug/build/escape-fdleak-*/out/loot.bin
sleep 600 &
canary=$!
echo "$canary" > "$ws/renice/pid.txt"
cargo build --offline -p escape-renice --manifest-path "$ws/Cargo.toml" \
  > "$SCRATCH/control-renice.log" 2>&1
check "control: without warden, renice reniced its canary" \
  [ "$(awk '{ print $19 }' "/proc/$canary/stat")" = 19 ]
kill "$canary" 2>/dev/null
canary=
before=$(wc -l < "$accepts")
cargo test --offline -p escape-nested --manifest-path "$ws/Cargo.toml" \
  > "$SCRATCH/control-nested.log" 2>&1
check "control: without warden, the nested build's build script ran" [ -e "$markers/nested" ]
check "control: without warden, the test put the secret under target/" \
  grep -qaF "$secret" "$ws/target/tmp/loot"
check "control: without warden, the test connected" [ "$(wc -l < "$accepts")" -gt "$before" ]
[ "$TAP_FAILED" -eq 0 ] || diag "$SCRATCH/control.log" "$ws/target/tmp/nested.log"
rm -rf "$ws/target"

# 1. A link argument that runs a program planted in OUT_DIR.
fails=$TAP_FAILED
run enforce linkrun build --offline -p escape-linkrun
check "1 linkrun: enforce exits non-zero (exit $rc)" [ $rc -ne 0 ]
check "1 linkrun: the planted collect2/ld did not run ($markers/linkrun absent)" absent "$markers/linkrun"
check "1 linkrun: the report names escape-linkrun's rustc-link-arg" reports linkrun rustc-link-arg "$SCRATCH/linkrun.log"
show_if_failed $fails "$SCRATCH/linkrun.log"

# 2. A link argument that has the linker read the secret (response file).
fails=$TAP_FAILED
run enforce linkread build --offline -p escape-linkread
check "2 linkread: enforce exits non-zero (exit $rc)" [ $rc -ne 0 ]
check "2 linkread: the secret is not in the output" no_secret "$SCRATCH/linkread.log"
check "2 linkread: the secret is nowhere under target/" no_secret "$ws/target"
check "2 linkread: the report names escape-linkread's rustc-link-arg" reports linkread rustc-link-arg "$SCRATCH/linkread.log"
show_if_failed $fails "$SCRATCH/linkread.log"

# 3. rustc-env=LD_PRELOAD: a shared object loaded into rustc.
fails=$TAP_FAILED
if [ $have_cc = 1 ]; then
  run enforce preload build --offline -p escape-preload
  check "3 preload: enforce exits non-zero (exit $rc)" [ $rc -ne 0 ]
  check "3 preload: the LD_PRELOAD object did not run ($markers/preload absent)" absent "$markers/preload"
  check "3 preload: the report names escape-preload's rustc-env" reports preload rustc-env "$SCRATCH/preload.log"
  show_if_failed $fails "$SCRATCH/preload.log"
else
  skip "3 preload: no cc to build the LD_PRELOAD object"
  diag "$SCRATCH/cc.log"
fi

# 4. rustc-env=WARDEN_INNER_RUSTC_WRAPPER: steering warden-rustc itself.
fails=$TAP_FAILED
run enforce wrapper build --offline -p escape-wrapper
check "4 wrapper: enforce exits non-zero (exit $rc)" [ $rc -ne 0 ]
check "4 wrapper: enforce did not run the planted wrapper ($markers/wrapper absent)" absent "$markers/wrapper"
check "4 wrapper: the report names escape-wrapper's rustc-env" reports wrapper rustc-env "$SCRATCH/wrapper.log"
show_if_failed $fails "$SCRATCH/wrapper.log"
fails=$TAP_FAILED
run learn wrapper-learn build --offline -p escape-wrapper
check "4 wrapper: learn did not run the planted wrapper either ($markers/wrapper absent)" absent "$markers/wrapper"
show_if_failed $fails "$SCRATCH/wrapper-learn.log"

# 5. The directive of class 1 behind leading whitespace cargo trims.
for class in ws-space ws-tab ws-nbsp; do
  fails=$TAP_FAILED
  run enforce "$class" build --offline -p "escape-$class"
  check "5 $class: enforce exits non-zero (exit $rc)" [ $rc -ne 0 ]
  check "5 $class: the planted collect2/ld did not run ($markers/$class absent)" absent "$markers/$class"
  check "5 $class: the report names escape-$class's rustc-link-arg" reports "$class" rustc-link-arg "$SCRATCH/$class.log"
  show_if_failed $fails "$SCRATCH/$class.log"
done

# 6-8. rustc reads the secret: include_bytes! of an absolute path, of a
# symlink in OUT_DIR, and a proc macro that reads it at expansion.
for class in includeabs symlink usemacro; do
  fails=$TAP_FAILED
  case $class in
    includeabs) n=6 ;; symlink) n=7 ;; usemacro) n=8 ;;
  esac
  run enforce "$class" build --offline -p "escape-$class"
  check "$n $class: enforce exits non-zero (exit $rc)" [ $rc -ne 0 ]
  # The floor refuses the read (a proc macro even swallows the error): the
  # supervisor around rustc reports it, with the `compile:` line.
  check "$n $class: the report names the read of the secret under compile:" \
    grep -qF "allow with, under compile: in $ws/warden.yaml:  read: \"{home}/.warden-e2e-secret\"" \
    "$SCRATCH/$class.log"
  check "$n $class: the secret is nowhere under target/" no_secret "$ws/target"
  check "$n $class: the secret is not in the output" no_secret "$SCRATCH/$class.log"
  show_if_failed $fails "$SCRATCH/$class.log"
done

# 8 under rustdoc: `cargo doc` expands the same macro in rustdoc.
fails=$TAP_FAILED
run enforce usemacro-doc doc --offline -p escape-usemacro
check "8 doc: enforce exits non-zero (exit $rc)" [ $rc -ne 0 ]
check "8 doc: the report names the read of the secret under compile:" \
  grep -qF "allow with, under compile: in $ws/warden.yaml:  read: \"{home}/.warden-e2e-secret\"" \
  "$SCRATCH/usemacro-doc.log"
check "8 doc: the secret is nowhere under target/" no_secret "$ws/target"
show_if_failed $fails "$SCRATCH/usemacro-doc.log"

# Learn finds the macro's read and proposes it under compile:, and a second
# learn on the warm target dir (nothing recompiles) keeps it.
fails=$TAP_FAILED
rm -rf "$ws/target" "$SCRATCH/learned.yaml"
"$WARDEN" learn --manifest-path "$ws/Cargo.toml" --policy "$SCRATCH/learned.yaml" \
  -- build --offline -p escape-usemacro > "$SCRATCH/learn-macro.log" 2>&1
check "8 learn: proposes the macro's read under compile:" \
  grep -qF '"{home}/.warden-e2e-secret"' "$SCRATCH/learned.yaml"
"$WARDEN" learn --manifest-path "$ws/Cargo.toml" --policy "$SCRATCH/learned.yaml" \
  -- build --offline -p escape-usemacro > "$SCRATCH/learn-macro2.log" 2>&1
check "8 learn: a warm relearn keeps the compile: grant (up to date)" \
  grep -q "is up to date" "$SCRATCH/learn-macro2.log"
show_if_failed $fails "$SCRATCH/learn-macro2.log"

# 9. A descriptor on the secret inherited from the shell running cargo-warden.
fails=$TAP_FAILED
# `7<FILE` on the command, like `exec 7<FILE` before it: not close-on-exec.
# fd 8 is write-only (as GNU time's -o leaves its output file): it cannot
# leak contents, so it is closed but not reported.
run enforce fdleak build --offline -p escape-fdleak 7<"$secret_path" 8>>"$SCRATCH/times.txt"
check "9 fdleak: enforce exits non-zero (exit $rc)" [ $rc -ne 0 ]
check "9 fdleak: the secret is nowhere under target/" no_secret "$ws/target"
check "9 fdleak: the report names the inherited read of the secret" \
  grep -qF "denied read     $secret_path" "$SCRATCH/fdleak.log"
check "9 fdleak: a write-only inherited descriptor is not reported" \
  bash -c "! grep -qF 'times.txt' '$SCRATCH/fdleak.log'"
if [ "$TAP_FAILED" -gt $fails ]; then
  diag "$SCRATCH/fdleak.log"
  diag "$ws"/target/debug/build/escape-fdleak-*/out/loot.txt
fi

# 10. Other processes: renice, pin and limit a canary outside the build.
fails=$TAP_FAILED
sleep 600 &
canary=$!
echo "$canary" > "$ws/renice/pid.txt"
nice_of() { awk '{ print $19 }' "/proc/$canary/stat"; }
mask_of() { taskset -p "$canary" | sed 's/.*: //'; }
nofile_of() { prlimit --pid "$canary" --nofile --raw --noheadings -o SOFT,HARD; }
nice0=$(nice_of) mask0=$(mask_of) nofile0=$(nofile_of)
run enforce renice build --offline -p escape-renice
check "10 renice: enforce exits non-zero (exit $rc)" [ $rc -ne 0 ]
check "10 renice: the canary's nice value is unchanged ($nice0 -> $(nice_of))" [ "$(nice_of)" = "$nice0" ]
if [ "$(nproc)" -gt 1 ]; then
  check "10 renice: the canary's CPU mask is unchanged ($mask0 -> $(mask_of))" [ "$(mask_of)" = "$mask0" ]
else
  skip "10 renice: one CPU, pinning to CPU 0 changes nothing"
fi
check "10 renice: the canary's RLIMIT_NOFILE is unchanged ($nofile0 -> $(echo $(nofile_of)))" \
  [ "$(nofile_of)" = "$nofile0" ]
if [ "$TAP_FAILED" -gt $fails ]; then
  diag "$SCRATCH/renice.log"
  diag "$ws"/target/debug/build/escape-renice-*/out/loot.txt
fi
kill "$canary" 2>/dev/null
canary=

# 11. cargo test: the test binary and a nested cargo it runs.
fails=$TAP_FAILED
before=$(wc -l < "$accepts")
run enforce nested test --offline -p escape-nested
check "11 nested: enforce of \`cargo test\` exits non-zero (exit $rc)" [ $rc -ne 0 ]
check "11 nested: the secret is nowhere under target/" no_secret "$ws/target"
check "11 nested: the secret is not in the output" no_secret "$SCRATCH/nested.log"
check "11 nested: the nested build's build script did not run ($markers/nested absent)" absent "$markers/nested"
check "11 nested: the listener accepted no connection from the test" [ "$(wc -l < "$accepts")" -eq "$before" ]
if [ "$TAP_FAILED" -gt $fails ]; then
  diag "$SCRATCH/nested.log"
  diag "$ws/target/tmp/nested.log"
fi

finish
