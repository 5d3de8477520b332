/**
 * @module client/edge-stream — the edge's audio passed on chunk by chunk while a copy is kept;
 * when the stream ends the copy is made whole and checked, stored (local cache, metrics), and
 * only then does the stream close. A stream that breaks, or ends invalid, errors instead and
 * stores nothing: only a complete, validated answer reaches the local cache.
 */
import { completeAudio } from '../edge/complete.ts'
import { isAbortedError } from '../errors/index.ts'

/** What to do with the complete audio, and with a cut (not called for a caller's abort). */
export interface CachingHooks {
  store(audio: Uint8Array): Promise<void>
  cut(error: unknown): void
}

/**
 * Wraps `source`; cancelling the result cancels `source` (and so the request).
 *
 * @example
 * const body = cachingStream(answer.body, 'audio/wav', { store: (a) => cache.set(key, a), cut: () => {} })
 */
export function cachingStream(
  source: ReadableStream<Uint8Array>,
  mimeType: string,
  hooks: CachingHooks,
): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  const chunks: Uint8Array[] = []
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: ReadableStreamReadResult<Uint8Array>
      try {
        next = await reader.read()
      } catch (error) {
        chunks.length = 0
        // A stop by the caller is not the edge's failure.
        if (!isAbortedError(error)) hooks.cut(error)
        controller.error(error)
        return
      }
      if (!next.done) {
        chunks.push(next.value)
        controller.enqueue(next.value)
        return
      }
      let audio: Uint8Array
      try {
        audio = completeAudio(chunks, mimeType)
      } catch (error) {
        hooks.cut(error)
        controller.error(error)
        return
      }
      chunks.length = 0
      await hooks.store(audio)
      controller.close()
    },
    async cancel(reason) {
      chunks.length = 0
      await reader.cancel(reason)
    },
  })
}

/**
 * `source` passed on, calling `done` once when it ends, errors or is cancelled: so a stream
 * handed to the app stays reachable by `stop()` and its signal until then.
 *
 * @example
 * return whenSettled(body, release)
 */
export function whenSettled(
  source: ReadableStream<Uint8Array>,
  done: () => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await reader.read()
        if (next.done) {
          done()
          controller.close()
        } else controller.enqueue(next.value)
      } catch (error) {
        done()
        controller.error(error)
      }
    },
    async cancel(reason) {
      done()
      await reader.cancel(reason)
    },
  })
}
