#!/usr/bin/env bash
# Builds warden_<version>_amd64.deb from a copy of the tree (dpkg-buildpackage
# writes to the parent dir), installs it, and runs the installed cargo-warden
# on examples/demo. Usage: scripts/deb.sh [OUTDIR]   (run as root)
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-/tmp/warden-deb}"
ver="$(sed -n "s/^  version : '\(.*\)',/\1/p" "$src/meson.build")"
rm -rf "$out"; mkdir -p "$out/warden-$ver"
# Tracked files only: no build dirs, no target/.
(cd "$src" && git ls-files -z | xargs -0 tar -cf - --) | tar -xf - -C "$out/warden-$ver"
(cd "$out/warden-$ver" && DEB_BUILD_OPTIONS="parallel=2" nice dpkg-buildpackage -b -us -uc) > "$out/build.log" 2>&1 \
  || { tail -40 "$out/build.log"; exit 1; }
deb="$out/warden_${ver}_amd64.deb"
echo "deb: built $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
test "$(command -v cargo-warden)" = /usr/bin/cargo-warden
for b in warden-shim warden-rustc warden-rustdoc warden-run; do test -x "/usr/bin/$b"; done
man -w cargo-warden >/dev/null && MANPAGER=cat man cargo-warden | grep -q warden
echo "deb: installed, man cargo-warden works"
ws="$out/demo"; cp -r "$src/examples/demo" "$ws"; rm -rf "$ws/target" "$ws/warden.yaml" "$ws/Cargo.lock"
cd "$ws"
cargo warden learn -- build --offline > "$out/learn.log" 2>&1
cargo warden enforce -- build --offline > "$out/enforce.log" 2>&1
grep -q "no request was denied" "$out/enforce.log"
echo "deb: learn + enforce on examples/demo from PATH passed"
