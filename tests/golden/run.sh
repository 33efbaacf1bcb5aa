#!/usr/bin/env bash
# Golden tests of cargo-warden's stable interface: every --help text, usage
# errors, and the outputs of diff, show and the enforce denial report, each
# compared byte for byte (with its stderr and exit status) to
# tests/golden/expected/NAME.txt. The runs they read are written through the
# Store API by fill_db; enforce gets a stand-in cargo that records denials
# instead of building. No network, no real build.
#
#   run.sh BIN_DIR FILL_DB            TAP on stdout, one test per case
#   UPDATE_GOLDEN=1 run.sh ...        rewrite the expected files instead
#
# Outputs are normalised only where they must be: the scratch directory
# becomes <TMP>, and the Landlock ABI note, which depends on the kernel, is
# dropped.
set -u

here=$(cd "$(dirname "$0")" && pwd)
bin_dir=$(cd "$1" && pwd)
fill_db=$2
warden="$bin_dir/cargo-warden"
expected="$here/expected"

scratch=$(mktemp -d /tmp/warden-golden.XXXXXX) || exit 1
scratch=$(cd "$scratch" && pwd -P)
trap 'rm -rf "$scratch"' EXIT

# A fixed environment: $HOME, $CARGO_HOME and $TMPDIR inside the scratch
# directory (outputs show them as {home}, {cargo_home}, {tmp}), cargo and
# rustup from the caller's.
real_cargo=$(command -v cargo) || { echo "Bail out! cargo not found"; exit 1; }
export RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
export HOME="$scratch/home" CARGO_HOME="$scratch/cargo-home" TMPDIR="$scratch/tmp"
export PATH="$(dirname "$real_cargo"):/usr/local/bin:/usr/bin:/bin"
export LC_ALL=C
unset CARGO RUSTC RUSTC_WRAPPER CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR
mkdir -p "$HOME" "$CARGO_HOME" "$TMPDIR"

# The workspace show and diff read, with runs before and after an upgrade.
cp -r "$here/ws" "$scratch/ws"
ws="$scratch/ws"
"$fill_db" upgrade "$ws/target/warden/warden.db" "$ws" || exit 1
"$fill_db" upgrade "$scratch/upgrade.db" "$ws" || exit 1

# enforce's cargo: `build` records denials as a supervisor would, anything
# else (`cargo metadata`) is the real cargo.
cp -r "$here/ws" "$scratch/ws-enforce"
cat > "$scratch/fake-cargo" <<EOF
#!/bin/sh
if [ "\$1" = build ]; then
  exec "$fill_db" denials "\$WARDEN_DB" "\$WARDEN_RUN_ID" "\$WARDEN_WORKSPACE_ROOT"
fi
exec "$real_cargo" "\$@"
EOF
chmod +x "$scratch/fake-cargo"

count=0
failed=0

normalise() {
  sed -e "s|$scratch|<TMP>|g" -e "s|$warden|cargo-warden|g" \
      -e '/^note: Landlock ABI [0-9]* < 6/d'
}

# check NAME DIR CMD... runs CMD in DIR and compares what it printed.
check() {
  local name=$1 dir=$2
  shift 2
  local out="$scratch/out/$name" rc
  mkdir -p "$out"
  (cd "$dir" && "$@") > "$out/stdout" 2> "$out/stderr"
  rc=$?
  # enforce needs seccomp and Landlock: without them it stops with exit 3.
  if [ -n "${kernel_may_lack:-}" ] && [ $rc -eq 3 ] &&
     grep -qE 'Landlock|seccomp|kernel' "$out/stderr"; then
    count=$((count + 1))
    echo "ok $count - $name # SKIP $(head -n 1 "$out/stderr")"
    return
  fi
  {
    echo "\$ $*"
    echo "--- stdout"
    cat "$out/stdout"
    echo "--- stderr"
    cat "$out/stderr"
    echo "--- exit $rc"
  } | normalise > "$out/actual"
  count=$((count + 1))
  if [ -n "${UPDATE_GOLDEN:-}" ]; then
    mkdir -p "$expected"
    cp "$out/actual" "$expected/$name.txt"
    echo "ok $count - $name # updated"
  elif diff -u "$expected/$name.txt" "$out/actual" > "$out/diff" 2>&1; then
    echo "ok $count - $name"
  else
    failed=$((failed + 1))
    echo "not ok $count - $name"
    sed 's/^/# /' "$out/diff"
  fi
}

# --help of the command and of each subcommand, and usage errors.
check help "$scratch" "$warden" --help
check help-word "$scratch" "$warden" help
check no-command "$scratch" "$warden"
check version "$scratch" "$warden" --version
check unknown-command "$scratch" "$warden" frobnicate
for command in learn enforce diff show import check init; do
  check "help-$command" "$scratch" "$warden" "$command" --help
done
check learn-bad-format "$scratch" "$warden" learn --format xml
check diff-bad-format "$scratch" "$warden" diff --format xml
check diff-before-alone "$scratch" "$warden" diff --before a.yaml
check show-unknown-option "$scratch" "$warden" show --frobnicate

# diff of two runs in every format, of the last two runs by default, and of
# a run with itself.
for format in human markdown json; do
  check "diff-runs-$format" "$scratch" "$warden" diff --db "$scratch/upgrade.db" \
    --from 1 --to 2 --format "$format"
done
check diff-runs-default "$ws" "$warden" diff -- --offline
check diff-runs-same "$scratch" "$warden" diff --db "$scratch/upgrade.db" --from 2 --to 2
check diff-no-database "$scratch" "$warden" diff --db "$scratch/none.db" --from 1 --to 2

# diff of two policy files in every format.
for format in human markdown json; do
  check "diff-policies-$format" "$here/policies" "$warden" diff \
    --before before.yaml --after after.yaml --format "$format"
done

# show: every package, one package, an unknown one.
check show "$ws" "$warden" show -- --offline
check show-package "$ws" "$warden" show net-sys -- --offline
check show-json "$ws" "$warden" show --format json -- --offline
check show-unknown-package "$ws" "$warden" show nosuch -- --offline

# The enforce denial report, human and JSON Lines.
kernel_may_lack=1
check enforce-human "$scratch/ws-enforce" env CARGO="$scratch/fake-cargo" \
  "$warden" enforce --db "$scratch/enforce-human.db" -- build --offline
check enforce-json "$scratch/ws-enforce" env CARGO="$scratch/fake-cargo" \
  "$warden" enforce --db "$scratch/enforce-json.db" --format json -- build --offline
# The same report in colour, quiet, and with cargo-style JSON records on
# stdout (package_id from the real cargo metadata).
check enforce-colour "$scratch/ws-enforce" env CARGO="$scratch/fake-cargo" \
  "$warden" enforce --db "$scratch/enforce-colour.db" --color always -- build --offline
check enforce-quiet "$scratch/ws-enforce" env CARGO="$scratch/fake-cargo" \
  "$warden" enforce --db "$scratch/enforce-quiet.db" -q -- build --offline
check enforce-message-json "$scratch/ws-enforce" env CARGO="$scratch/fake-cargo" \
  "$warden" enforce --db "$scratch/enforce-message-json.db" --message-format json \
  -- build --offline
kernel_may_lack=
check enforce-message-format-clash "$scratch" "$warden" enforce \
  --message-format json --format sarif
check enforce-bad-colour "$scratch" "$warden" enforce --color sometimes

echo "1..$count"
[ "$failed" -eq 0 ]
