#!/usr/bin/env bash
# Runs a root script (dev, test, bench) with the project's toolchain, after making sure that
# dependencies (and, for tests, the system packages the browser tests use) are installed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
set -euo pipefail
task="${1:?usage: scripts/run.sh dev|test|bench|install [args]}"
shift

if [ "${CI:-}" = "true" ]; then
  pnpm install --frozen-lockfile
else
  pnpm install --prefer-offline
fi
[ "$task" = "install" ] && exit 0
if [ "$task" = "test" ]; then
  bash scripts/system-deps.sh
fi
if [ "$task" = "test" ]; then
  # `check` rather than `test`: turbo refuses a root script named like the task it runs. Its
  # output is kept so that the run ends with one line summing every suite (a CI log's last line).
  log=$(mktemp -t tts-check.XXXXXX)
  set +e
  pnpm run check "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  node scripts/test-summary.mjs "$log" "$rc"
  rm -f "$log"
  exit "$rc"
fi
exec pnpm run "$task" "$@"
