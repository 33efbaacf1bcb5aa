#!/usr/bin/env bash
# Installs, builds and runs warden's whole test suite: unit tests, the
# red-team suite (real seccomp supervisor) and end-to-end tests (real cargo
# builds of the example, fixtures and corpus crates).
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bash "$here/scripts/setup.sh" || exit 1
corpus="${WARDEN_CORPUS:-$here/../shared/corpus}"
if [ -x "$corpus/setup.sh" ] || [ -f "$corpus/setup.sh" ]; then
  bash "$corpus/setup.sh" || exit 1
fi
if ! bash "$here/scripts/build.sh" > "$here/build.log" 2>&1; then
  tail -40 "$here/build.log"; echo "build failed (full log: build.log)"; exit 1
fi
command -v cargo >/dev/null || export PATH="$HOME/.cargo/bin:$PATH"
meson test -C "$here/build" --print-errorlogs --num-processes 2 "$@"
rc=$?
# One closing line any CI can read.
python3 - "$here/build/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"): passed += 1
    elif r == "SKIP": skipped += 1
    else: failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $rc
