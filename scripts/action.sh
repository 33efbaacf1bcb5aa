#!/usr/bin/env bash
# Steps of action.yml, kept here so tests/e2e can run the same code locally.
# Usage: scripts/action.sh WORKSPACE_DIR
# Writes $RUNNER_TEMP/warden.sarif (enforce's denials as SARIF 2.1.0) and
# appends the diff markdown to $GITHUB_STEP_SUMMARY. Exits with enforce's
# status (1 = denials, see tools/exit.h). WARDEN_CARGO_ARGS (e.g.
# "-- build --offline") is passed to enforce.
set -uo pipefail
ws="${1:-${GITHUB_WORKSPACE:-.}}"
out="${RUNNER_TEMP:-/tmp}"
sarif="$out/warden.sarif"
cd "$ws" || exit 2
status=0
cargo warden enforce --format sarif ${WARDEN_CARGO_ARGS:-} > "$sarif" || status=$?
summary="${GITHUB_STEP_SUMMARY:-/dev/stdout}"
{ echo "## warden"; cargo warden diff --format markdown; } >> "$summary" || true
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "status=$status" >> "$GITHUB_OUTPUT"
  [ -s "$sarif" ] && echo "sarif=$sarif" >> "$GITHUB_OUTPUT"
fi
exit "$status"
