/**
 * @module server/options — the emulator's options: their defaults, their checks, and the
 * latency patches `/__config` and `setLatency` take.
 */

import type { EspeakEngine } from '@tts/espeak'
import { type Faults, FaultsError, mergeFaults, NO_FAULTS } from '../faults/index.ts'
import type { LatencyModel } from './pacing.ts'
import { STUDIO_SPEAKERS_MODES, type StudioSpeakersMode } from './studio.ts'

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Time to first audio, ms. Default 600. */
  ttfbMs?: number
  /** Real-time factor: seconds of GPU time per second of audio. Default 0.3. */
  rtf?: number
  /** When set, every non-admin request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string
  /** Faults in force from the start. */
  faults?: Partial<Faults>
  /** Fail latents of the wrong shape (512 / n×1024) as the real server does. Default false. */
  strictLatents?: boolean
  /** The speech engine; default espeak-ng in a worker thread, ended by `close()`. */
  engine?: EspeakEngine
  /** Source of randomness for `errorRate`; default `Math.random`. */
  random?: () => number
  /**
   * `/studio_speakers`: `'small'` (default: 6 speakers, 4 latent rows, 177 KB) or `'real'`
   * (XTTS-v2's 58 speakers with 32×1024 latents, ~37 MB, as the real server answers).
   */
  studioSpeakers?: StudioSpeakersMode
}

/** `EmulatorOptions` with defaults applied; throws `RangeError` on a bad port or latency. */
export function normalizeOptions(options: EmulatorOptions) {
  const port = options.port ?? 0
  const ttfbMs = options.ttfbMs ?? 600
  const rtf = options.rtf ?? 0.3
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`)
  if (!Number.isFinite(ttfbMs) || ttfbMs < 0)
    throw new RangeError(`ttfbMs must be a number ≥ 0, got ${ttfbMs}`)
  if (!Number.isFinite(rtf) || rtf < 0) throw new RangeError(`rtf must be a number ≥ 0, got ${rtf}`)
  const studioSpeakers = options.studioSpeakers ?? 'small'
  if (!STUDIO_SPEAKERS_MODES.includes(studioSpeakers)) {
    throw new RangeError(
      `studioSpeakers must be ${STUDIO_SPEAKERS_MODES.join(' or ')}, got ${String(studioSpeakers)}`,
    )
  }
  return {
    port,
    host: options.host ?? '127.0.0.1',
    latency: { ttfbMs, rtf },
    apiKey: options.apiKey || undefined,
    faults: mergeFaults(NO_FAULTS, options.faults ?? {}),
    strictLatents: options.strictLatents ?? false,
    engine: options.engine,
    random: options.random ?? Math.random,
    studioSpeakers,
  }
}

/** `latency` with `patch` applied; throws `FaultsError` naming a bad field. */
export function latencyPatch(latency: LatencyModel, patch: unknown): LatencyModel {
  if (typeof patch !== 'object' || patch === null)
    throw new FaultsError('config must be a JSON object with ttfbMs and/or rtf')
  const next = { ...latency }
  for (const [key, value] of Object.entries(patch)) {
    if (
      (key !== 'ttfbMs' && key !== 'rtf') ||
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < 0
    ) {
      throw new FaultsError(
        `config takes ttfbMs and rtf, numbers ≥ 0; got ${key}=${JSON.stringify(value)}`,
      )
    }
    next[key] = value
  }
  return next
}
