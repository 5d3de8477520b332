#!/usr/bin/env node
/**
 * @module dev — `make dev` / `pnpm dev`: the whole stack on this machine, on embedded defaults,
 * with no account and no network: the XTTS emulator (XTTS latency profile), the edge under
 * `wrangler dev` with local R2/KV/Queues/DO storage (kept in packages/edge/.wrangler, so the
 * cache survives restarts) and the demo page. Prints the URLs; Ctrl-C stops every process it
 * started. The work is scripts/stack.mjs, shared with the demo's browser tests.
 *
 * Ports: TTS_EMULATOR_PORT (8020), TTS_EDGE_PORT (8787), TTS_DEMO_PORT (5173); 0 picks a free
 * one. A port already in use is reported before anything starts.
 *
 * The edge's upstream breaker stays open 30 s here, not the production 5 minutes, so that the
 * demo's fault switch shows recovery while you watch (POOL_OPTIONS overrides it).
 *
 * The development secrets (an API key, the cache key ring) are generated once into
 * packages/edge/.dev.vars (git-ignored), never committed and never printed.
 */
import { DEFAULT_PORTS, PortInUseError, startStack } from './stack.mjs'

function portFromEnv(name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`${name} must be a port number from 1 to 65535 (or 0 for any free port), got "${raw}"`)
  }
  return port
}

function fail(message) {
  console.error(`dev: ${message}`)
  process.exit(1)
}

const ports = {
  emulator: portFromEnv('TTS_EMULATOR_PORT', DEFAULT_PORTS.emulator),
  edge: portFromEnv('TTS_EDGE_PORT', DEFAULT_PORTS.edge),
  demo: portFromEnv('TTS_DEMO_PORT', DEFAULT_PORTS.demo),
}

let stack
let stopping = false
const starting = new AbortController()
const shutdown = async (code) => {
  if (stopping) return
  stopping = true
  await stack?.stop()
  process.exit(code)
}
// The children run in process groups of their own, so a Ctrl-C reaches only us: while starting,
// cancelling makes startStack stop what it has started; afterwards stop() does.
const onSignal = () => (stack ? void shutdown(0) : starting.abort())
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

try {
  stack = await startStack({
    ports,
    signal: starting.signal,
    edgeVars: { POOL_OPTIONS: process.env.POOL_OPTIONS || '{"breakerOpenMs":30000}' },
    onUnexpectedExit: (name, reason) => {
      console.error(`dev: ${name} exited (${reason}); stopping the stack`)
      void shutdown(1)
    },
  })
} catch (error) {
  if (starting.signal.aborted) process.exit(0)
  if (error instanceof PortInUseError) fail(error.message)
  fail(error instanceof Error ? error.message : String(error))
}

const { urls } = stack
console.log(`
tts-edge is running (Ctrl-C stops everything):
  edge      ${urls.edge}   (OpenAI-compatible: POST /v1/audio/speech; API reference: /docs)
  emulator  ${urls.emulator}   (XTTS API; faults: POST /__faults)
${urls.demo ? `  demo      ${urls.demo}\n` : ''}  API key   TTS_DEV_API_KEY in packages/edge/.dev.vars (local only)
`)
