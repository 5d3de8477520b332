/**
 * @module test/slow-pool — a fresh one-slot pool over one of the pool tests' emulators, slowed
 * to a latency model, with the pool's own view of its gate; and a whole-file speech request
 * whose caller may leave (`request.signal`). Shared by the gate and the departed-caller tests.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import worker from '../src/index.ts'
import type { PoolAudio, PoolFailure } from '../src/pool/index.ts'
import { poolClient } from '../src/pool-client/index.ts'
import { settingsOf } from '../src/settings/index.ts'
import { emulatorFetch, keys, testEnv } from './helpers.ts'
import { type Emulator, eventually, poolEnv, warm } from './pool-helpers.ts'

/** An emulator's latency model: time to first chunk and real-time factor. */
export interface Latency {
  ttfbMs: number
  rtf: number
}

const slowed: Emulator[] = []

async function latency(e: Emulator, model: Latency): Promise<void> {
  const res = await emulatorFetch(`${e.url}/__config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(model),
  })
  await res.body?.cancel()
  if (!res.ok) throw new Error(`setting the latency failed: ${res.status}`)
}

/** Gives every emulator a `slowPool` slowed its speed back (call it in `afterEach`). */
export async function restoreLatency(): Promise<void> {
  await Promise.all(slowed.splice(0).map((e) => latency(e, { ttfbMs: 0, rtf: 0 })))
}

/**
 * A fresh one-slot pool over `a`, warmed, with the emulator slowed to `model`: `ask` calls the
 * pool directly, `gate` reads its one upstream's state, `busy` waits until a synthesis holds
 * the slot (`what`: whose, for the failure).
 */
export async function slowPool(a: Emulator, model: Latency, options = {}) {
  const pool = poolEnv([{ url: a.url, maxConcurrency: 1 }], {
    ttfbMs: 10_000,
    maxWaitMs: 30_000,
    ...options,
  })
  await warm(pool)
  slowed.push(a)
  await latency(a, model)
  const env = testEnv(pool)
  const client = poolClient(env)
  const name = settingsOf(env).voiceMap.alloy ?? 'Claribel Dervla'
  const ask = (
    text: string,
    how: { priority?: 'interactive' | 'background'; signal?: AbortSignal; key?: string } = {},
  ) =>
    client.synthesize(
      { text, language: 'en', voice: { kind: 'speaker', name }, speed: 1, stream: true },
      how.key ?? crypto.randomUUID(),
      { ...(how.priority ? { priority: how.priority } : {}), signal: how.signal },
    )
  const gate = async () =>
    (await client.status()).upstreams[0] ?? {
      inFlight: -1,
      queued: -1,
      failures: -1,
      breaker: 'unknown',
    }
  const busy = (what: string) => eventually(async () => (await gate()).inFlight === 1, 10_000, what)
  return { pool, ask, gate, busy }
}

/** Reads a pool answer's audio to its end (nothing for a failure). */
export async function drain(answer: PoolAudio | PoolFailure): Promise<void> {
  if (answer.ok) await new Response(answer.body).arrayBuffer()
}

/**
 * A whole-file (WAV) speech request on `pool` whose caller may leave (`signal`); its status once
 * its `waitUntil` work is done. `headers` go with the request (an `x-request-id`, say).
 */
export async function wholeFile(
  pool: Partial<Env>,
  input: string,
  signal: AbortSignal,
  headers: Record<string, string> = {},
  /** More of the request body (`{ stream: true }` asks for a stream instead). */
  body: Record<string, unknown> = {},
): Promise<number> {
  const exec = createExecutionContext()
  const request = new Request('http://edge.test/v1/audio/speech', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${keys.speech}`,
      'content-type': 'application/json',
      ...headers,
    },
    body: JSON.stringify({
      model: 'tts-1',
      voice: 'alloy',
      input,
      response_format: 'wav',
      ...body,
    }),
    signal,
  })
  const res = await worker.fetch(request, testEnv(pool), exec)
  await res.body?.cancel()
  await waitOnExecutionContext(exec)
  return res.status
}
