/**
 * @module speech/runahead — the upstream audio of one uncached sentence, read as it arrives
 * whether or not the caller has taken it yet. So the upstream (and the pool's gate slot) is
 * done with a sentence at the GPU's pace, not the listener's, and the next sentence can be
 * asked for the moment this one's audio has arrived (`ended`), while the caller still plays
 * it. What is read and not yet taken is held here: at most one sentence, which the segment
 * entry needs whole anyway.
 *
 * Why not one upstream call for several sentences, cut apart afterwards: xtts-streaming-server
 * splits the text itself (`enable_text_splitting`) and streams the sentences back to back with
 * nothing marking where one ends, so the cut points cannot be known, and each sentence's
 * segment entry would be a guess.
 */
import type { SynthesisResult } from '../upstream/index.ts'

/** One sentence's upstream audio, being read. */
export interface RunAhead {
  readonly result: SynthesisResult
  /**
   * The chunks in order; each is handed out once and dropped here. Throws the read's error, or
   * `stop`'s reason once it aborts (the caller left: the reading goes on, for the cache).
   */
  chunks(stop?: AbortSignal): AsyncGenerator<Int16Array>
  /**
   * Every chunk read, in order, once the upstream audio ended (none unless asked to keep them);
   * rejects with the read's error.
   */
  readonly whole: Promise<Int16Array[]>
  /** Samples read so far. */
  readonly samples: number
  /** Settles (never rejects) when the upstream audio ended, well or not. */
  readonly ended: Promise<void>
}

/**
 * Starts reading `result` at once. With `keep` false (a stream that keeps nothing) the chunks
 * are only queued for the caller, not also kept for `whole`. The upstream's audio reaches this
 * isolate through the pool object at the GPU's pace either way: read here, what the caller has
 * not taken yet waits in this request's isolate rather than in the object every request shares.
 *
 * @example
 * const ahead = runAhead(await synthesizer.synthesize(request, { signal, key }))
 * ahead.ended.then(startNextSentence)
 * for await (const pcm of ahead.chunks()) encoder.push(pcm)
 */
export function runAhead(result: SynthesisResult, keep = true): RunAhead {
  const queue: Int16Array[] = []
  const parts: Int16Array[] = []
  let samples = 0
  let done = false
  let failure: { error: unknown } | undefined
  let wake: (() => void) | undefined
  const notify = () => {
    wake?.()
    wake = undefined
  }

  const whole = (async () => {
    try {
      for await (const pcm of result.chunks) {
        queue.push(pcm)
        if (keep) parts.push(pcm)
        samples += pcm.length
        notify()
      }
      return parts
    } catch (error) {
      failure = { error }
      throw error
    } finally {
      done = true
      notify()
    }
  })()
  // Read by the caller when it reaches this sentence; an early failure must not go unhandled.
  whole.catch(() => {})
  const ended = whole.then(
    () => {},
    () => {},
  )

  async function* chunks(stop?: AbortSignal): AsyncGenerator<Int16Array> {
    for (;;) {
      if (stop?.aborted) throw stop.reason
      const next = queue.shift()
      if (next) {
        yield next
        continue
      }
      if (failure) throw failure.error
      if (done) return
      let woken = () => {}
      await new Promise<void>((resolve) => {
        woken = () => resolve()
        wake = woken
        stop?.addEventListener('abort', woken, { once: true })
      })
      stop?.removeEventListener('abort', woken)
    }
  }

  return {
    result,
    chunks,
    whole,
    ended,
    get samples() {
      return samples
    },
  }
}
