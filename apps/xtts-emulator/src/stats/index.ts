/**
 * @module stats — what the emulator served, so tests can assert that a cache hit never
 * reached it and that a gateway never sent more than one synthesis at a time.
 */
import type { GpuStats } from '../gpu/index.ts'

/** `GET /__stats`. */
export interface EmulatorStats extends GpuStats {
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
  synthesis(audioSeconds: number): void
  /** Marks a synthesis request open; call the returned function when it ends. */
  open(): () => void
  snapshot(gpu: GpuStats): EmulatorStats
  reset(): void
}

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
  return {
    request(path) {
      requests[path] = (requests[path] ?? 0) + 1
    },
    synthesis(seconds) {
      syntheses++
      audioSeconds += seconds
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
    snapshot: (gpu) => ({
      requests: { ...requests },
      syntheses,
      audioSeconds: Math.round(audioSeconds * 1000) / 1000,
      ...gpu,
      inFlight,
      maxInFlight,
    }),
    reset() {
      requests = {}
      syntheses = 0
      audioSeconds = 0
      maxInFlight = inFlight
    },
  }
}
