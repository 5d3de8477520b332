/**
 * @module audio/time-scale — speed without a pitch change and pitch without a duration change
 * for 16-bit mono PCM, streaming: WSOLA stretches by `speed / pitch`, then a resampler reads
 * `pitch` times faster, so the length ends at `input / speed` and the pitch at `× pitch`.
 *
 * One processor per sound (a sentence): `push` its chunks as they arrive, `flush` at its end.
 */
import { createStreamResampler, type StreamResampler } from './stretch-resample.ts'
import { createWsola, type Wsola } from './wsola.ts'

/** Speed range (OpenAI's `speed`). */
export const SPEED_RANGE = { min: 0.25, max: 4 } as const
/** Pitch factor range. */
export const PITCH_RANGE = { min: 0.5, max: 2 } as const

/** Options of {@link createTimeScale}. */
export interface TimeScaleOptions {
  sampleRate: number
  /** Duration × 1/speed, pitch kept; 0.25–4, default 1. */
  speed?: number
  /** Fundamental frequency × pitch, duration kept; 0.5–2, default 1. */
  pitch?: number
}

/** A streaming speed/pitch processor for one sound. */
export interface TimeScale {
  push(pcm: Int16Array): Int16Array
  /** The rest; afterwards the total is `round(input / speed)` (± 1 sample). */
  flush(): Int16Array
}

function toFloat(pcm: Int16Array): Float32Array {
  const out = new Float32Array(pcm.length)
  for (let i = 0; i < pcm.length; i++) out[i] = (pcm[i] as number) / 32768
  return out
}

function toInt16(samples: Float32Array): Int16Array {
  const out = new Int16Array(samples.length)
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round((samples[i] as number) * 32768)
    out[i] = Math.min(32767, Math.max(-32768, v))
  }
  return out
}

function check(name: string, value: number, range: { min: number; max: number }): void {
  if (!(value >= range.min && value <= range.max))
    throw new RangeError(`${name} must be from ${range.min} to ${range.max}, got ${value}`)
}

/**
 * True when `speed` and `pitch` leave the audio as it is (nothing to process).
 *
 * @example
 * if (!isIdentityScale(1, 1)) pcm = timeScalePcm(pcm, { sampleRate: 24_000, speed: 1, pitch: 1.3 })
 */
export function isIdentityScale(speed = 1, pitch = 1): boolean {
  return speed === 1 && pitch === 1
}

/**
 * A streaming processor changing speed and/or pitch of 16-bit mono PCM.
 *
 * @example
 * const scale = createTimeScale({ sampleRate: 24_000, speed: 0.55 })
 * for await (const chunk of upstream) send(scale.push(chunk))
 * send(scale.flush())
 */
export function createTimeScale(options: TimeScaleOptions): TimeScale {
  const speed = options.speed ?? 1
  const pitch = options.pitch ?? 1
  check('speed', speed, SPEED_RANGE)
  check('pitch', pitch, PITCH_RANGE)
  const rate = speed / pitch
  const stretch: Wsola | undefined =
    rate === 1 ? undefined : createWsola({ rate, sampleRate: options.sampleRate })
  const resample: StreamResampler | undefined =
    pitch === 1 ? undefined : createStreamResampler(pitch)
  const through = (samples: Float32Array, last: boolean): Float32Array => {
    let s = samples
    if (stretch) s = last ? concat(stretch.push(s), stretch.flush()) : stretch.push(s)
    if (resample) s = last ? concat(resample.push(s), resample.flush()) : resample.push(s)
    return s
  }
  return {
    push: (pcm) => (stretch || resample ? toInt16(through(toFloat(pcm), false)) : pcm.slice()),
    flush: () => toInt16(through(new Float32Array(0), true)),
  }
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  if (b.length === 0) return a
  const out = new Float32Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/**
 * The whole of `pcm` at another speed and/or pitch (one push and flush).
 *
 * @example
 * const slower = timeScalePcm(pcm, { sampleRate: 24_000, speed: 0.55 })
 */
export function timeScalePcm(pcm: Int16Array, options: TimeScaleOptions): Int16Array {
  const scale = createTimeScale(options)
  const a = scale.push(pcm)
  const b = scale.flush()
  const out = new Int16Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
