/**
 * @module test/helpers — drive the worker inside workerd the way the runtime does (its default
 * export's `fetch`, an execution context, `waitUntil` work awaited) against the real emulator.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test'
import { concatBytes } from '@tts/core/bytes'
import { uniqueSentence } from '@tts/core/testing'
import { inject, vi } from 'vitest'
import { type Faults, NO_FAULTS } from 'xtts-emulator/faults'
import worker from '../src/index.ts'

/** The API keys of this test run, by role. */
export const keys = JSON.parse(env.TEST_KEYS) as Record<
  'speech' | 'voices' | 'admin' | 'other' | 'flood',
  string
>

/** The emulator's base URL (started by the global setup). */
export function upstreamUrl(): string {
  const url = inject('upstreamUrl')
  if (!url) throw new Error('the XTTS emulator is not running (see test/global-setup.ts)')
  return url
}

/** The env the worker sees, pointed at the emulator, with overrides. */
export function testEnv(overrides: Partial<Env> = {}): Env {
  return { ...env, UPSTREAM_URL: upstreamUrl(), ...overrides }
}

/** An answer with its body fully read, after the request's `waitUntil` work finished. */
export interface Answer {
  res: Response
  status: number
  headers: Headers
  body: Uint8Array
  json<T = Record<string, unknown>>(): T
  ms: number
}

/**
 * Calls the worker and reads the whole body.
 *
 * @example
 * const a = await call('/v1/audio/speech', { method: 'POST', json: { input: 'Hi.', voice: 'alloy' } })
 */
export async function call(
  path: string,
  init: {
    method?: string
    json?: unknown
    body?: BodyInit
    key?: string | null
    headers?: Record<string, string>
    env?: Partial<Env>
  } = {},
): Promise<Answer> {
  const headers = new Headers(init.headers)
  const key = init.key === undefined ? keys.admin : init.key
  if (key) headers.set('authorization', `Bearer ${key}`)
  let body = init.body
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json')
    body = JSON.stringify(init.json)
  }
  const ctx = createExecutionContext()
  const started = performance.now()
  const res = await worker.fetch(
    new Request(`http://edge.test${path}`, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body: body ?? null,
    }),
    testEnv(init.env),
    ctx,
  )
  const bytes = new Uint8Array(await res.arrayBuffer())
  const ms = performance.now() - started
  await waitOnExecutionContext(ctx)
  return {
    res,
    status: res.status,
    headers: res.headers,
    body: bytes,
    json: <T>() => JSON.parse(new TextDecoder().decode(bytes)) as T,
    ms,
  }
}

/** Speech request shorthand. */
export function speak(
  json: Record<string, unknown>,
  options: { key?: string | null; env?: Partial<Env>; headers?: Record<string, string> } = {},
) {
  return call('/v1/audio/speech', {
    method: 'POST',
    json: { model: 'tts-1', voice: 'alloy', ...json },
    ...options,
  })
}

/** A speech answer whose body the test has not read yet, and the context its work runs in. */
export interface OpenStream {
  res: Response
  ctx: ExecutionContext
  reader: ReadableStreamDefaultReader<Uint8Array>
}

/**
 * Opens a streamed speech request (`stream: true`) and hands back its body unread, so the test
 * reads it at its own pace (one chunk, all of it, or leaves); `waitOnExecutionContext(ctx)`
 * then awaits the request's `waitUntil` work. Unlike `speak`, nothing is read or awaited here.
 *
 * @example
 * const { res, ctx, reader } = await openStream({ input: sentence(), response_format: 'pcm' })
 * const first = await reader.read()
 * await reader.cancel()
 * await waitOnExecutionContext(ctx)
 */
export async function openStream(
  json: Record<string, unknown>,
  options: { key?: string; env?: Partial<Env>; headers?: Record<string, string> } = {},
): Promise<OpenStream> {
  const ctx = createExecutionContext()
  const res = await worker.fetch(
    new Request('http://edge.test/v1/audio/speech', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.key ?? keys.speech}`,
        'content-type': 'application/json',
        ...options.headers,
      },
      body: JSON.stringify({ model: 'tts-1', voice: 'alloy', stream: true, ...json }),
    }),
    testEnv(options.env),
    ctx,
  )
  if (!res.body) throw new Error(`the speech answer (${res.status}) has no body`)
  return { res, ctx, reader: res.body.getReader() }
}

/** Reads a stream to its end, after the chunks the test already took (`first`), as one buffer. */
export async function readToEnd(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  first: Uint8Array[] = [],
): Promise<Uint8Array> {
  const parts = [...first]
  for (;;) {
    const next = await reader.read()
    if (next.done) return concatBytes(parts)
    parts.push(next.value)
  }
}

/**
 * Syntheses the shared emulator made of texts containing `text` (a test's own sentence, whose
 * nonce no other test has), in all and per route. Unlike a before/after difference of the
 * totals, this cannot be moved by work other tests left running: queued retries, warming.
 */
export async function synthesesOf(
  text: string,
  /** The emulator asked (the shared one unless named: a pool test's own). */
  url = upstreamUrl(),
): Promise<{ total: number; byRoute: Record<string, number> }> {
  const query = encodeURIComponent(text.replace(/[.!?]+$/u, ''))
  const res = await emulatorFetch(`${url}/__stats?text=${query}`)
  const stats = (await res.json()) as { matching: number; matchingByRoute: Record<string, number> }
  return { total: stats.matching, byRoute: stats.matchingByRoute }
}

/**
 * A request to the emulator's admin API, asked again (twice at most) when workerd handed it a
 * pooled keep-alive connection the emulator had just closed ("Network connection lost"): that
 * is transport, not what a test measures, and admin calls are idempotent.
 */
export async function emulatorFetch(url: string, init?: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init)
    } catch (error) {
      if (attempt >= 3 || !/connection lost/i.test(String(error))) throw error
    }
  }
}

/**
 * Sets the faults of the emulator at `url` (the shared one unless named): `faults` over the
 * emulator's own defaults (no fault), so nothing an earlier test set stays on. The defaults and
 * field types are the emulator's (`NO_FAULTS`, `Faults`), not a copy that could fall behind.
 *
 * @example
 * await setFaults({ errorRate: 1, errorStatus: 503 })
 * await setFaults({}, pool.url) // a pool test's own emulator, back to no fault
 */
export async function setFaults(faults: Partial<Faults>, url = upstreamUrl()): Promise<void> {
  const res = await emulatorFetch(`${url}/__faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...NO_FAULTS, ...faults }),
  })
  if (!res.ok) throw new Error(`setting emulator faults failed: ${res.status} ${await res.text()}`)
  await res.body?.cancel()
}

/**
 * A sentence no other test or run has asked for (core's ≥ 64-bit speakable nonce), so tests
 * never share cache entries, flights or counters by accident.
 */
export function sentence(words = 'The quick brown fox jumps over the lazy dog'): string {
  return uniqueSentence(words)
}

/** One JSON log line as the worker writes it. */
export interface LogLine {
  level: string
  message: string
  data: Record<string, unknown>
}

/**
 * Captures what the worker writes to the console from now on (restore with
 * `vi.restoreAllMocks()`); the returned function reads the lines so far.
 *
 * @example
 * const logs = captureLogs()
 * await speak({ input: sentence() })
 * logs().some((l) => l.includes('METRIC'))
 */
export function captureLogs(): () => string[] {
  const lines: string[] = []
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '))
    })
  }
  return () => lines
}

/** The JSON lines of `lines` (others, such as a runtime's own, are left out). */
export function jsonLines(lines: string[]): LogLine[] {
  return lines.flatMap((line) => {
    try {
      return [JSON.parse(line) as LogLine]
    } catch {
      return []
    }
  })
}
