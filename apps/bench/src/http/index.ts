/**
 * @module http — timed requests to the edge and the emulator: time to the first audio byte
 * (past a WAV header), total time, size and the headers a row reads.
 */
import { concatBytes } from '@tts/core/bytes'

/** One timed request. */
export interface Timed {
  status: number
  headers: Headers
  /** ms from sending to the first body byte past `skipBytes`; NaN if none came. */
  firstAudioMs: number
  /** ms from sending to the end of the body (or to the abort). */
  totalMs: number
  bytes: number
  body?: Uint8Array
}

/**
 * Sends a request and times its body. `stopAfterFirstAudio` cancels the body once the first
 * audio byte is in (for time-to-first-audio rows that need not wait for the rest).
 *
 * @example
 * const t = await timedFetch(url, { method: 'POST', body }, { skipBytes: 44 })
 */
export async function timedFetch(
  url: string,
  init: RequestInit,
  o: {
    skipBytes?: number
    keepBody?: boolean
    stopAfterFirstAudio?: boolean
    timeoutMs?: number
  } = {},
): Promise<Timed> {
  const skip = o.skipBytes ?? 0
  const started = performance.now()
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(o.timeoutMs ?? 300_000) })
  let firstAudioMs = Number.NaN
  let bytes = 0
  const parts: Uint8Array[] = []
  const reader = res.body?.getReader()
  while (reader) {
    const { done, value } = await reader.read()
    if (done) break
    bytes += value.byteLength
    if (o.keepBody) parts.push(value)
    if (Number.isNaN(firstAudioMs) && bytes > skip) {
      firstAudioMs = performance.now() - started
      if (o.stopAfterFirstAudio) {
        await reader.cancel()
        break
      }
    }
  }
  const totalMs = performance.now() - started
  const out: Timed = { status: res.status, headers: res.headers, firstAudioMs, totalMs, bytes }
  if (o.keepBody) out.body = concatBytes(parts)
  return out
}

/**
 * The JSON body and headers of an OpenAI-style speech request.
 *
 * @example
 * const init = speechInit('Hello.', { apiKey, format: 'wav' })
 */
export function speechInit(
  input: string,
  o: { apiKey?: string; format?: string; stream?: boolean; language?: string } = {},
): RequestInit & { body: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (o.apiKey) headers.authorization = `Bearer ${o.apiKey}`
  return {
    method: 'POST',
    headers,
    body: JSON.stringify({
      model: 'tts-1',
      input,
      voice: 'alloy',
      response_format: o.format ?? 'wav',
      language: o.language ?? 'en',
      ...(o.stream === undefined ? {} : { stream: o.stream }),
    }),
  }
}

/**
 * Milliseconds of one phase in a `Server-Timing` header, NaN when absent.
 *
 * @example
 * serverTimingMs('cache;dur=1.2, encode;dur=30.5', 'encode') // 30.5
 */
export function serverTimingMs(header: string | null, name: string): number {
  const m = new RegExp(`(?:^|,)\\s*${name};dur=([\\d.]+)`).exec(header ?? '')
  return m ? Number(m[1]) : Number.NaN
}
