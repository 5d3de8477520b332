/**
 * @module test/pool-helpers — the pool tests' own emulators (started by the global setup, used
 * by no other test), a fresh pool object per test (`POOL_NAME`), and its settings as env.
 */
import { createExecutionContext, env } from 'cloudflare:test'
import { inject } from 'vitest'
import type { Faults } from 'xtts-emulator/faults'
import type { Principal } from '../src/auth/index.ts'
import { requestLogger } from '../src/observe/index.ts'
import { poolClient } from '../src/pool-client/index.ts'
import type { PoolOptions } from '../src/settings/index.ts'
import { prepareSpeech, type SpeechInput } from '../src/speech/prepare.ts'
import { wireSpeech } from '../src/speech/wire.ts'
import { emulatorFetch, sentence, setFaults, speak, testEnv } from './helpers.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    poolUpstreamUrls: string[]
    realSpeakersUrl: string
  }
}

/** The emulators' counters. */
export interface EmulatorStats {
  requests: Record<string, number>
  syntheses: number
  inFlight: number
  maxInFlight: number
}

/** One of the pool tests' emulators. */
export interface Emulator {
  url: string
  host: string
  stats(): Promise<EmulatorStats>
  /** Syntheses requested (`/tts_stream` and `/tts`), faulted ones included. */
  synthesisRequests(): Promise<number>
  /** Sets this emulator's faults over the emulator's defaults (see `setFaults`). */
  faults(faults: Partial<Faults>): Promise<void>
  reset(): Promise<void>
}

function emulator(url: string): Emulator {
  return {
    url,
    host: new URL(url).host,
    async stats() {
      return (await (await emulatorFetch(`${url}/__stats`)).json()) as EmulatorStats
    },
    async synthesisRequests() {
      const { requests } = (await (await emulatorFetch(`${url}/__stats`)).json()) as EmulatorStats
      return (requests['/tts_stream'] ?? 0) + (requests['/tts'] ?? 0)
    },
    faults(faults) {
      return setFaults(faults, url)
    },
    async reset() {
      const res = await emulatorFetch(`${url}/__reset`, { method: 'POST' })
      await res.body?.cancel()
      await this.faults({})
    },
  }
}

/** The two emulators only the pool tests use, reset and without faults. */
export async function poolEmulators(): Promise<[Emulator, Emulator]> {
  const urls = inject('poolUpstreamUrls')
  if (urls.length < 2 || !urls[0] || !urls[1]) {
    throw new Error('the pool emulators are not running (see test/global-setup.ts)')
  }
  const pair: [Emulator, Emulator] = [emulator(urls[0]), emulator(urls[1])]
  await Promise.all(pair.map((e) => e.reset()))
  return pair
}

/** The emulator whose `/studio_speakers` is real-sized (58 speakers × 32 rows, ~37 MB). */
export async function realSpeakersEmulator(): Promise<Emulator> {
  const url = inject('realSpeakersUrl')
  if (!url) throw new Error('the real-speakers emulator is not running (see test/global-setup.ts)')
  const real = emulator(url)
  await real.reset()
  return real
}

const pools: Partial<Env>[] = []

/**
 * Closes the breakers of every pool the test made, so no probe alarm of theirs fires later in
 * another test against the shared pool emulators.
 */
export async function releasePools(): Promise<void> {
  const done = pools.splice(0)
  await Promise.all(done.map((overrides) => poolClient(testEnv(overrides)).reset()))
}

/** Env overrides for a fresh pool object over `upstreams`, with test-short `options`. */
export function poolEnv(
  upstreams: Array<{ url: string; maxConcurrency?: number; weight?: number }>,
  options: Partial<PoolOptions> = {},
): Partial<Env> {
  const overrides: Partial<Env> = {
    POOL_NAME: `test-${crypto.randomUUID()}`,
    // Named, not detected: detection asks /openapi.json, which a faulty emulator fails too.
    UPSTREAMS: JSON.stringify(upstreams.map((u) => ({ adapter: 'xtts-streaming', ...u }))),
    POOL_OPTIONS: JSON.stringify({
      breakerOpenMs: 2000,
      ttfbMs: 2000,
      retryBaseMs: 50,
      retryCapMs: 200,
      deadlineBaseMs: 20_000,
      // Queued copies would be synthesized later by the real consumer against the shared
      // emulator, in the middle of other files' tests; the queue test turns this on.
      deferOnFailure: false,
      ...options,
    }),
  }
  pools.push(overrides)
  return overrides
}

/** The pool object a `poolEnv` names. */
export function poolStub(overrides: Partial<Env>) {
  return env.UPSTREAM_POOL.getByName(overrides.POOL_NAME ?? 'default')
}

/** One good answer, so the adapter has the speakers and later faults hit the synthesis. */
export async function warm(pool: Partial<Env>): Promise<void> {
  const res = await speak({ input: sentence('Warm up'), response_format: 'pcm' }, { env: pool })
  if (res.status !== 200) throw new Error(`warm-up failed: ${res.status}`)
}

/** Waits until `check` holds, polling; fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Prints a scenario's measured timing (collected for the note). */
export function measured(scenario: string, figures: Record<string, number | string>): void {
  console.log(`[pool timing] ${scenario}: ${JSON.stringify(figures)}`)
}

/**
 * A speech context on `pool` for `principal`, and a real sealed answer of `text` in R2 + KV
 * whose lifetime ran out a second ago: what a "nothing can serve" path may serve as STALE.
 */
export async function withStaleCopy(pool: Partial<Env>, text: string, principal: Principal) {
  const exec = createExecutionContext()
  const { ctx } = await wireSpeech({
    env: testEnv(pool),
    principal,
    log: requestLogger('info', 'stale-copy-test'),
    waitUntil: (p) => exec.waitUntil(p),
  })
  const input: SpeechInput = {
    input: text,
    voice: 'alloy',
    language: 'en',
    format: 'wav',
    speed: 1,
    stream: false,
  }
  const prepared = await prepareSpeech(ctx, input)
  const audio = crypto.getRandomValues(new Uint8Array(4096))
  await ctx.cache.put(prepared.key, audio, {
    kind: 'response',
    format: 'wav',
    language: 'en',
    sampleRate: 24_000,
    durationMs: 85,
    created: Date.now() - 60_000,
    expires: Date.now() - 1000,
    etag: 'stale-etag',
    upstream: 'xtts-streaming test',
  })
  return { ctx, exec, prepared, input, audio }
}
