#!/usr/bin/env bash
# The main job on the bundled example workspace: install, build, then
# learn -> show the proposed warden.yaml -> enforce. The workspace is copied
# to $DEMO_DIR (default /tmp/warden-demo) so the source tree stays clean.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
bash "$here/scripts/setup.sh"
bash "$here/scripts/build.sh" > /tmp/warden-build.log 2>&1 ||
  { tail -40 /tmp/warden-build.log; echo "build failed"; exit 1; }
command -v cargo >/dev/null || export PATH="$HOME/.cargo/bin:$PATH"
export PATH="$here/build/tools:$PATH"   # so `cargo warden` finds cargo-warden
demo="${DEMO_DIR:-/tmp/warden-demo}"
rm -rf "$demo" && cp -r "$here/examples/demo" "$demo"
# As with plain cargo, .cargo/config.toml (Debian's crate registry) is found
# from the current directory.
cd "$demo"

echo "== cargo warden learn"
cargo warden learn -- build --offline
echo
echo "== proposed $demo/warden.yaml"
cat "$demo/warden.yaml"
echo
echo "== cargo warden enforce (fresh target dir)"
rm -rf "$demo/target"
cargo warden enforce -- build --offline
"$demo/target/debug/demo-app"
