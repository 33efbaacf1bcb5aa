#!/usr/bin/env bash
# What scripts/deb.sh needs on top of scripts/setup.sh (run as root).
set -euo pipefail
"$(dirname "$0")/setup.sh"
PKGS=(debhelper help2man dpkg-dev man-db)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
