/**
 * @module stats — what the emulator served, so tests can assert that a cache hit never
 * reached it and that a gateway never sent more than one synthesis at a time.
 */
import type { GpuStats } from '../gpu/index.ts'

/** `GET /__stats`. */
export interface EmulatorStats extends GpuStats {
  /**
   * With `GET /__stats?text=…`: syntheses whose text contained that text. Tests count their
   * own (unique) text this way, so work other tests left running (queued retries, warming)
   * cannot change what they read.
   */
  matching?: number
  /** With `?text=…`: the same per route (`/tts_stream`, `/tts`, `/v1/audio/speech`). */
  matchingByRoute?: Record<string, number>
  /** Requests per path, faulted ones included (admin paths excluded). */
  requests: Record<string, number>
  /** Syntheses produced (one per served `/tts_stream`, `/tts`, `/v1/audio/speech`). */
  syntheses: number
  /** Seconds of audio produced. */
  audioSeconds: number
  /** Synthesis requests open now at the HTTP level, waiting for the GPU included. */
  inFlight: number
  /** The most that were ever open at once: what a gateway's concurrency gate let through. */
  maxInFlight: number
}

/** Counters behind `EmulatorStats`. */
export interface StatsRecorder {
  request(path: string): void
  /** One synthesis (of `of.text`, asked for on `of.route`) that produced `audioSeconds`. */
  synthesis(audioSeconds: number, of?: { text: string; route: string }): void
  /** Marks a synthesis request open; call the returned function when it ends. */
  open(): () => void
  /** The counters; with `text`, also how many syntheses contained it. */
  snapshot(gpu: GpuStats, text?: string): EmulatorStats
  reset(): void
}

/** Texts remembered for `matching`: a bound, so a long-running emulator does not grow. */
const TEXTS_KEPT = 20_000

/**
 * @example
 * const stats = createStats()
 * stats.request('/tts_stream')
 */
export function createStats(): StatsRecorder {
  let requests: Record<string, number> = {}
  let syntheses = 0
  let audioSeconds = 0
  let inFlight = 0
  let maxInFlight = 0
  // Insertion-ordered: the oldest text goes first once the bound is reached.
  const texts = new Map<string, { text: string; route: string; count: number }>()
  return {
    request(path) {
      requests[path] = (requests[path] ?? 0) + 1
    },
    synthesis(seconds, of) {
      syntheses++
      audioSeconds += seconds
      if (of === undefined) return
      const key = `${of.route}\n${of.text}`
      const seen = texts.get(key)
      if (seen) seen.count++
      else texts.set(key, { ...of, count: 1 })
      if (texts.size > TEXTS_KEPT) texts.delete(texts.keys().next().value as string)
    },
    open() {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      let closed = false
      return () => {
        if (closed) return
        closed = true
        inFlight--
      }
    },
    snapshot(gpu, text) {
      const snapshot: EmulatorStats = {
        requests: { ...requests },
        syntheses,
        audioSeconds: Math.round(audioSeconds * 1000) / 1000,
        ...gpu,
        inFlight,
        maxInFlight,
      }
      if (text === undefined) return snapshot
      let matching = 0
      const matchingByRoute: Record<string, number> = {}
      for (const seen of texts.values()) {
        if (!seen.text.includes(text)) continue
        matching += seen.count
        matchingByRoute[seen.route] = (matchingByRoute[seen.route] ?? 0) + seen.count
      }
      return { ...snapshot, matching, matchingByRoute }
    },
    reset() {
      texts.clear()
      requests = {}
      syntheses = 0
      audioSeconds = 0
      maxInFlight = inFlight
    },
  }
}
