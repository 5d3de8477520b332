/**
 * @module services/emulator — the XTTS emulator as its own process (its CLI), with the admin
 * endpoints a benchmark needs: `/__stats` (syntheses and audio seconds: the "GPU seconds"
 * evidence), `/__reset`, `/__config` (the latency model) and `/__faults`.
 */
import { join } from 'node:path'
import { HOST, type ProcessSet } from '../procs/index.ts'

/** What `/__stats` reports, as far as the benchmark reads it. */
export interface EmulatorStats {
  requests: Record<string, number>
  syntheses: number
  audioSeconds: number
  maxConcurrency: number
  /** Requests being answered now. */
  inFlight: number
}

/** A running emulator. */
export interface Emulator {
  url: string
  stats(): Promise<EmulatorStats>
  reset(): Promise<void>
  /** Changes the latency model at run time. */
  latency(model: { ttfbMs: number; rtf: number }): Promise<void>
  faults(patch: Record<string, unknown>): Promise<void>
}

async function admin(url: string, method: 'GET' | 'POST', body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    signal: AbortSignal.timeout(10_000),
  })
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`)
  return res.headers.get('content-type')?.includes('json') ? res.json() : res.text()
}

/**
 * Starts the emulator on a free port of 127.0.0.1.
 *
 * @example
 * const emu = await startEmulator(procs, root, { ttfbMs: 600, rtf: 0.3 })
 * const { audioSeconds } = await emu.stats()
 */
export async function startEmulator(
  procs: ProcessSet,
  root: string,
  model: { ttfbMs: number; rtf: number },
  name = 'emulator',
): Promise<Emulator> {
  const started = procs.start(name, process.execPath, [
    join(root, 'apps/xtts-emulator/src/cli.ts'),
    '--host',
    HOST,
    '--port',
    '0',
    '--ttfb-ms',
    String(model.ttfbMs),
    '--rtf',
    String(model.rtf),
  ])
  const match = await procs.waitForLine(
    started,
    /^xtts-emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/,
    60_000,
  )
  const url = match[1] as string
  return {
    url,
    stats: async () => (await admin(`${url}/__stats`, 'GET')) as EmulatorStats,
    reset: async () => {
      await admin(`${url}/__reset`, 'POST')
    },
    latency: async (m) => {
      await admin(`${url}/__config`, 'POST', m)
    },
    faults: async (patch) => {
      await admin(`${url}/__faults`, 'POST', patch)
    },
  }
}
