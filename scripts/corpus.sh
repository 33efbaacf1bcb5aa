#!/usr/bin/env bash
# Whole-corpus check (issue: end to end): for every crate project in
# ../shared/corpus/crates (or the ones named), in fresh copies and fresh
# target dirs: learn, enforce with the learned policy, learn again; prints
#   crate, learn ok, enforce ok, denials, events recorded, max lines per
#   package entry, second learn identical, wall seconds plain/learn/enforce.
# Projects with EXPECT_FAIL must fail under warden as they fail without it.
# CORPUS_MODE picks how cargo runs (issue 14's matrix):
#   plain           cargo build
#   target-dir      cargo build --target-dir DIR
#   env-target-dir  CARGO_TARGET_DIR=DIR cargo build
#   release         cargo build --release
#   target          cargo build --target x86_64-unknown-linux-gnu
#   warm            the second learn runs on the first's target dir (no clean)
# With --contained, instead: `learn --contained` alone, printing
#   crate, built, requests the fence refused (all, then per reason: network,
#   $HOME read, write outside, exec outside, credentials), wall seconds;
# the refused rules are in <crate>/warden.yaml ("needs review:") or, when the
# build failed, in <crate>/learn.log.
# Usage: [CORPUS_MODE=plain] scripts/corpus.sh [--contained] [crate ...]
#   (needs ../shared/corpus/setup.sh run)
set -u
contained=0; [ "${1:-}" = --contained ] && { contained=1; shift; }
here="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS="${WARDEN_CORPUS:-$here/../shared/corpus}"
WARDEN="${WARDEN:-$here/build/tools/cargo-warden}"
WORK="${CORPUS_WORK:-/tmp/warden-corpus}"
command -v cargo >/dev/null || export PATH="$HOME/.cargo/bin:$PATH"
[ -x "$WARDEN" ] || { echo "build warden first: scripts/build.sh" >&2; exit 2; }
if [ $# -gt 0 ]; then crates=("$@"); else
  crates=(); for d in "$CORPUS"/crates/*/; do crates+=("$(basename "$d")"); done
fi
MODE="${CORPUS_MODE:-plain}"
case "$MODE" in
  plain|target-dir|env-target-dir|warm) extra=() ;;
  release) extra=(--release) ;;
  target) extra=(--target x86_64-unknown-linux-gnu) ;;
  *) echo "CORPUS_MODE must be plain, target-dir, env-target-dir, release, target or warm, not '$MODE'" >&2; exit 2 ;;
esac
now() { date +%s.%N; }
# cargo_ runs cargo or cargo-warden (the words before "--" are its own) as
# MODE says, from the crate's copy; target_ is where the build goes.
target_() { case "$MODE" in target-dir|env-target-dir) echo "$PWD/elsewhere" ;; *) echo "$PWD/target" ;; esac; }
cargo_() {
  local args=() w
  for w in "$@"; do args+=("$w"); done
  [ "$MODE" = target-dir ] && args+=(--target-dir "$(target_)")
  args+=("${extra[@]}")
  if [ "$MODE" = env-target-dir ]; then CARGO_TARGET_DIR="$(target_)" "${args[@]}"; else "${args[@]}"; fi
}
# denials_ reads the count from enforce's report (hidden reads excluded).
denials_() {
  if grep -q 'no request was denied' "$1"; then echo 0
  else n=$(sed -n 's/.*error\[W001\]: \([0-9]*\) request.*/\1/p' "$1" | head -1); echo "${n:-?}"; fi
}
secs() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.1f", b-a}'; }

# prepare CRATE DIR: a fresh copy of the project, buildable offline.
prepare() {
  local c="$1" dir="$2"
  rm -rf "$dir"; mkdir -p "$dir/.cargo"
  # The whole project: some carry their own build.rs and data (proto/, native/).
  cp -r "$CORPUS/crates/$c/." "$dir/"
  cp "$CORPUS/cargo-config.toml" "$dir/.cargo/config.toml"
  # vergen-style projects read their own git checkout: one commit, fixed
  # dates, so what they learn stays the same from run to run.
  if [ -f "$CORPUS/crates/$c/GIT_REPO" ]; then
    ( cd "$dir" && git init -q && git add -A &&
      GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z \
      git -c user.name=corpus -c user.email=corpus@example.invalid commit -qm corpus )
  fi
}

# refused LOG REASON: how many requests learn's summary line says the fence
# refused for REASON ("" for all).
refused() {
  local line; line=$(grep -m1 -- '--contained refused' "$1")
  case "$line" in *'refused nothing'*|'') echo 0; return ;; esac
  if [ -z "$2" ]; then sed -E 's/.*refused ([0-9]+) request.*/\1/' <<<"$line"
  else grep -oE "$2: [0-9]+" <<<"$line" | grep -oE '[0-9]+$' || echo 0; fi
}

if [ $contained -eq 1 ]; then
  printf '%-24s %-6s %7s %7s %7s %7s %7s %7s %7s\n' crate built refused network home write exec creds learn_s
  for c in "${crates[@]}"; do
    dir="$WORK/contained/$c"; prepare "$c" "$dir"; cd "$dir"
    t0=$(now); "$WARDEN" learn --contained -- build --offline > learn.log 2>&1; rc=$?; t1=$(now)
    built=$([ $rc -eq 0 ] && echo yes || echo FAIL)
    [ -f "$CORPUS/crates/$c/EXPECT_FAIL" ] && built="$built(xf)"
    printf '%-24s %-6s %7s %7s %7s %7s %7s %7s %7s\n' "$c" "$built" "$(refused learn.log '')" \
      "$(refused learn.log network)" "$(refused learn.log 'read under \$HOME')" \
      "$(refused learn.log 'write outside[^:]*')" "$(refused learn.log 'exec outside[^:]*')" \
      "$(refused learn.log "read of cargo's registry credentials")" "$(secs $t0 $t1)"
  done
  echo "(logs and policies: $WORK/contained/<crate>/)"
  exit 0
fi

echo "mode: $MODE"
printf '%-24s %-6s %-8s %7s %7s %9s %-9s %7s %7s %7s\n' crate learn enforce denied events max_lines identical plain_s learn_s enf_s
fails=0
for c in "${crates[@]}"; do
  dir="$WORK/$MODE/$c"; prepare "$c" "$dir"
  xfail=0; [ -f "$CORPUS/crates/$c/EXPECT_FAIL" ] && xfail=1
  cd "$dir"
  # Plain cargo, for its time and EXPECT_FAIL (CORPUS_PLAIN=0 skips it).
  t0=$(now); plain_rc=0
  if [ $xfail -eq 1 ] || [ "${CORPUS_PLAIN:-1}" != 0 ]; then
    cargo_ cargo build --offline -q > plain.log 2>&1; plain_rc=$?
  fi
  t1=$(now)
  rm -rf "$(target_)"
  cargo_ "$WARDEN" learn -- build --offline > learn.log 2>&1; learn_rc=$?; t2=$(now)
  if [ $xfail -eq 1 ]; then
    ok=$([ $learn_rc -ne 0 ] && [ $plain_rc -ne 0 ] && echo xfail || echo XPASS)
    [ "$ok" = xfail ] || fails=$((fails + 1))
    printf '%-24s %-6s %-8s %7s %7s %9s %-9s %7s %7s %7s\n' "$c" "$ok" - - - - - "$(secs $t0 $t1)" "$(secs $t1 $t2)" -
    continue
  fi
  events=$(sqlite3 "$(target_)/warden/warden.db" "select coalesce(sum(count),0) from events" 2>/dev/null || echo ?)
  cp warden.yaml first.yaml 2>/dev/null
  # Into a new file: learn never rewrites warden.yaml, so comparing that
  # with first.yaml would compare the file with itself.
  rm -f second.yaml
  if [ "$MODE" = warm ]; then
    cargo_ "$WARDEN" learn --policy second.yaml -- build --offline > learn2.log 2>&1
  fi
  rm -rf "$(target_)"
  t3=$(now); cargo_ "$WARDEN" enforce -- build --offline > enforce.log 2>&1; enf_rc=$?; t4=$(now)
  denied=$(denials_ enforce.log)
  if [ "$MODE" != warm ]; then
    rm -rf "$(target_)"
    cargo_ "$WARDEN" learn --policy second.yaml -- build --offline > learn2.log 2>&1
  fi
  identical=$(cmp -s second.yaml first.yaml && echo yes || echo NO)
  # longest package entry, in lines (entries start at two-space indent)
  max_lines=$(awk '/^packages:/{p=1;next} p&&/^  [^ ]/{if(n>m)m=n;n=0} p{n++} END{if(n>m)m=n; print m+0}' warden.yaml)
  lok=$([ $learn_rc -eq 0 ] && echo yes || echo FAIL)
  eok=$([ $enf_rc -eq 0 ] && echo yes || echo FAIL)
  [ "$lok$eok$identical" = yesyesyes ] && [ "$denied" = 0 ] || fails=$((fails + 1))
  printf '%-24s %-6s %-8s %7s %7s %9s %-9s %7s %7s %7s\n' "$c" "$lok" "$eok" "$denied" "$events" "$max_lines" "$identical" "$(secs $t0 $t1)" "$(secs $t1 $t2)" "$(secs $t3 $t4)"
done
echo "mode $MODE: failures: $fails   (logs and policies: $WORK/$MODE/<crate>/)"
[ $fails -eq 0 ]
