# Shared helpers for warden's end-to-end tests (TAP output). Sourced.
set -u
WARDEN="${WARDEN_BIN_DIR:?WARDEN_BIN_DIR must point at the tools dir of the build}/cargo-warden"
REPO="${WARDEN_REPO:?WARDEN_REPO must point at the source tree}"
CORPUS="${WARDEN_CORPUS:-$REPO/../shared/corpus}"
command -v cargo >/dev/null || export PATH="$HOME/.cargo/bin:$PATH"
SCRATCH="$(mktemp -d /tmp/warden-e2e.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT
TAP_N=0
TAP_FAILED=0

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
not_ok() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $*"; }
skip() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $* # SKIP"; }
# check NAME COMMAND...: one TAP line from a command's success.
check() { local name="$1"; shift; if "$@"; then ok "$name"; else not_ok "$name"; fi; }
# todo NAME REASON COMMAND...: a check of a known gap, reported but not
# counted as a failure (TAP's TODO directive) until the gap is closed.
todo() {
  local name="$1" why="$2"; shift 2; TAP_N=$((TAP_N + 1))
  if "$@"; then echo "ok $TAP_N - $name # TODO $why"; else echo "not ok $TAP_N - $name # TODO $why"; fi
}
finish() { echo "1..$TAP_N"; [ "$TAP_FAILED" -eq 0 ]; }
# diag: show a file to whoever reads the TAP stream.
diag() { sed 's/^/# /' "$@" | head -60; }

# copy_corpus NAME DIR: a corpus project, made buildable offline.
copy_corpus() {
  mkdir -p "$2/.cargo"
  cp -r "$CORPUS/crates/$1/Cargo.toml" "$CORPUS/crates/$1/src" "$2/"
  cp "$CORPUS/cargo-config.toml" "$2/.cargo/config.toml"
}

# start_listener ACCEPTS PORTFILE: a loopback TCP listener (10 minutes at
# most) that appends a line to ACCEPTS per connection; its pid goes to
# $listener, its port to PORTFILE once it listens.
start_listener() {
  : > "$1"
  python3 - "$1" "$2" <<'PY' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16); s.settimeout(1.0)
open(sys.argv[2], "w").write(str(s.getsockname()[1]))
deadline = time.time() + 600
while time.time() < deadline:
    try:
        c, _ = s.accept(); open(sys.argv[1], "a").write("accepted\n"); c.close()
    except socket.timeout:
        pass
PY
  listener=$!
  for _ in $(seq 50); do [ -s "$2" ] && break; sleep 0.1; done
}

# hostile_world: what the hostile build scripts aim at. A fake $HOME
# ($home) holding a secret ($secret in $home/.warden-e2e-secret; cargo and
# rustup keep their real homes) and a loopback listener ($port, one line
# per connection in $accepts), stopped with the scratch dir at exit.
hostile_world() {
  home="$SCRATCH/home"
  mkdir -p "$home"
  secret="warden-e2e-secret-$RANDOM$RANDOM"
  echo "$secret" > "$home/.warden-e2e-secret"
  export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
  export HOME="$home"
  accepts="$SCRATCH/accepts"
  start_listener "$accepts" "$SCRATCH/port"
  trap 'kill $listener 2>/dev/null; rm -rf "$SCRATCH"' EXIT
  port=$(cat "$SCRATCH/port")
}

# relearn_identical DIR NAME: learn DIR's workspace again from a fresh target
# dir into a new file, and check it equals DIR/first.yaml byte for byte. The
# second policy goes to its own file: learn never rewrites an existing one,
# so comparing warden.yaml with itself would prove nothing.
relearn_identical() {
  local dir="$1" name="$2"
  rm -rf "$dir/target" "$dir/second.yaml"
  "$WARDEN" learn --manifest-path "$dir/Cargo.toml" --policy "$dir/second.yaml" \
    -- build --offline > "$dir/learn2.log" 2>&1
  check "$name: second learn gives a byte-identical policy" cmp -s "$dir/second.yaml" "$dir/first.yaml"
  cmp -s "$dir/second.yaml" "$dir/first.yaml" || diff "$dir/first.yaml" "$dir/second.yaml" | diag /dev/stdin
}

