#!/usr/bin/env bash
# Installs what warden needs on Debian 12 (run as root). Idempotent: apt runs
# only when a package is missing.
set -euo pipefail
PKGS=(
  # build
  meson ninja-build g++ pkg-config
  libseccomp-dev libboost-program-options-dev libyaml-cpp-dev libsqlite3-dev
  libabsl-dev libgtest-dev libgmock-dev nlohmann-json3-dev nettle-dev
  libtomlplusplus-dev
  # the example workspace: every crate of its Cargo.lock from Debian's
  # registry, named here (--no-install-recommends leaves libc out otherwise;
  # tests/e2e/fresh.sh checks the list), and the tests
  zlib1g-dev librust-libz-sys-dev librust-libc-dev librust-pkg-config-dev
  librust-vcpkg-dev sqlite3 python3 strace
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
command -v cargo >/dev/null || [ -x "$HOME/.cargo/bin/cargo" ] || missing+=(cargo rustc)
# tests/sarif_validate.sh installs Microsoft's SARIF multitool with npm. An
# npm that came with another Node.js (NodeSource's) conflicts with Debian's.
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: build dependencies present"
