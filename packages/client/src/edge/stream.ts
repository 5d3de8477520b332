/**
 * @module edge/stream — opens the edge's audio as a stream and hands it over once its first
 * bytes are in, with the two time limits users need: `timeoutMs` bounds the time to the first
 * audio byte (a 60-second answer must not fail at 3 s), and a total deadline that grows with the
 * text bounds the rest. Before the first byte every failure is the edge's (`EdgeUnavailableError`,
 * the cue for the local engine); after it, the body errors with `StreamInterruptedError`.
 *
 * Own code rather than ky's `timeout`: ky's covers the response headers only, and streaming
 * needs a limit that moves from "first byte" to "whole answer" on one abort signal.
 */
import type { KyInstance } from 'ky'
import { AbortedError, EdgeUnavailableError, StreamInterruptedError } from '../errors/index.ts'
import type { CacheStatus } from '../types.ts'
import { toClientError } from './problems.ts'

/** The edge's audio as it arrives, with what its headers said. */
export interface EdgeStream {
  /** The audio bytes; errors with `StreamInterruptedError` when cut after the first byte. */
  body: ReadableStream<Uint8Array>
  mimeType: string
  cacheStatus: CacheStatus
  /** `X-TTS-Language`, when the edge sent it. */
  language: string | undefined
}

/** Limits of one stream. */
export interface StreamLimits {
  /** Time to the first audio byte. */
  timeoutMs: number
  /** Time to the last byte. */
  deadlineMs: number
}

/** Audio of one character at speed 1 is ~70 ms; synthesis at up to 1.5× real time. */
const MS_PER_CHARACTER = 100

/**
 * The whole-answer deadline for `input`: the first-byte timeout plus 100 ms a character, which
 * is about 1.5× real time of speech at speed 1, so a slow but working upstream is not cut.
 *
 * @example
 * deadlineFor(3000, 'x'.repeat(2000)) // 203000
 */
export function deadlineFor(timeoutMs: number, input: string): number {
  return timeoutMs + MS_PER_CHARACTER * input.length
}

const CACHE_STATUSES: readonly CacheStatus[] = ['hit', 'miss', 'coalesced', 'stale', 'bypass']

class Deadline extends Error {
  readonly which: 'first' | 'total'
  constructor(which: 'first' | 'total') {
    super(which === 'first' ? 'no audio byte in time' : 'the answer did not end in time')
    this.which = which
  }
}

/**
 * POSTs `json` to the speech route and resolves once the first audio bytes arrived.
 *
 * @example
 * const s = await openSpeechStream(http, { input: 'Hi', stream: true }, { timeoutMs: 3000, deadlineMs: 3100 })
 * for await (const chunk of s.body) sink.write(chunk)
 */
export async function openSpeechStream(
  http: KyInstance,
  json: Record<string, unknown>,
  limits: StreamLimits,
  signal?: AbortSignal,
  /** Request headers besides authorization (`cache-control: no-store`). */
  headers?: Record<string, string>,
): Promise<EdgeStream> {
  const controller = new AbortController()
  const onAbort = () => controller.abort(signal?.reason)
  if (signal?.aborted) onAbort()
  signal?.addEventListener('abort', onAbort, { once: true })
  const firstTimer = setTimeout(() => controller.abort(new Deadline('first')), limits.timeoutMs)
  const totalTimer = setTimeout(() => controller.abort(new Deadline('total')), limits.deadlineMs)
  const cleanup = () => {
    clearTimeout(firstTimer)
    clearTimeout(totalTimer)
    signal?.removeEventListener('abort', onAbort)
  }
  const timedOut = () => controller.signal.reason instanceof Deadline
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined
  let first: Uint8Array | undefined
  let response: Response
  let mimeType: string
  try {
    response = await http.post('v1/audio/speech', {
      json,
      ...(headers === undefined ? {} : { headers }),
      timeout: false,
      signal: controller.signal,
    })
    mimeType = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? ''
    reader = response.body?.getReader()
    while (reader) {
      const r = await reader.read()
      if (r.done) break
      if (r.value.byteLength > 0) {
        first = r.value
        break
      }
    }
    if (!mimeType.startsWith('audio/') || first === undefined) {
      throw new EdgeUnavailableError(
        'invalid_audio',
        `the edge answered ${response.status} with ${first ? 'bytes' : 'no bytes'} of '${mimeType || 'no type'}', not audio`,
        { status: response.status },
      )
    }
    clearTimeout(firstTimer)
  } catch (error) {
    cleanup()
    void reader?.cancel().catch(() => {})
    if (timedOut()) {
      throw new EdgeUnavailableError(
        'timeout',
        `the edge sent no audio in ${limits.timeoutMs} ms`,
        {
          cause: error,
        },
      )
    }
    throw await toClientError(error, signal)
  }

  const open = reader as ReadableStreamDefaultReader<Uint8Array>
  let received = first.byteLength
  const head = first
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(head)
    },
    async pull(c) {
      try {
        const r = await open.read()
        if (r.done) {
          cleanup()
          c.close()
          return
        }
        received += r.value.byteLength
        c.enqueue(r.value)
      } catch (error) {
        cleanup()
        if (signal?.aborted) return c.error(new AbortedError('speech was cancelled', error))
        const why = timedOut()
          ? `the answer did not end within ${limits.deadlineMs} ms`
          : 'the connection broke'
        c.error(
          new StreamInterruptedError(
            `the edge's audio stream was cut after ${received} bytes: ${why}`,
            {
              receivedBytes: received,
              cause: error,
            },
          ),
        )
      }
    },
    async cancel(reason) {
      cleanup()
      controller.abort(reason)
      await open.cancel(reason).catch(() => {})
    },
  })
  const header = response.headers.get('x-tts-cache')?.toLowerCase() as CacheStatus | undefined
  return {
    body,
    mimeType,
    cacheStatus: header !== undefined && CACHE_STATUSES.includes(header) ? header : 'miss',
    language: response.headers.get('x-tts-language') ?? undefined,
  }
}
