import { describe, expect, it } from 'vitest'
import { estimateF0 } from './f0.ts'
import { createTimeScale, timeScalePcm } from './time-scale.ts'

const RATE = 24_000

/** A voiced, syllable-shaped harmonic tone at `f0` Hz (five harmonics, 4 Hz envelope). */
function tone(seconds: number, f0: number): Int16Array {
  const out = new Int16Array(Math.round(seconds * RATE))
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE
    let v = 0
    for (let h = 1; h <= 5; h++) v += Math.sin(2 * Math.PI * f0 * h * t) / h
    const envelope = 0.6 + 0.4 * Math.sin(2 * Math.PI * 4 * t)
    out[i] = Math.round(v * envelope * 9000)
  }
  return out
}

/** Largest sample-to-sample step of `pcm` from `from` to `to`. */
function maxJump(pcm: Int16Array, from = 1, to = pcm.length): number {
  let max = 0
  for (let i = Math.max(1, from); i < to; i++)
    max = Math.max(max, Math.abs((pcm[i] as number) - (pcm[i - 1] as number)))
  return max
}

/** `pcm` in chunks of sizes from a fixed pseudo-random sequence, through one processor. */
function chunked(pcm: Int16Array, speed: number, pitch: number): Int16Array {
  const scale = createTimeScale({ sampleRate: RATE, speed, pitch })
  const parts: Int16Array[] = []
  let seed = 12345
  for (let at = 0; at < pcm.length; ) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    const size = 1 + (seed % 3000)
    parts.push(scale.push(pcm.subarray(at, at + size)))
    at += size
  }
  parts.push(scale.flush())
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

describe('time scale', () => {
  const source = tone(2, 140)

  it.each([0.25, 0.55, 1.5, 4])(
    'speed %s gives input / speed (within 5 percent), pitch kept',
    (speed) => {
      const out = timeScalePcm(source, { sampleRate: RATE, speed })
      const expected = source.length / speed
      expect(Math.abs(out.length - expected) / expected).toBeLessThan(0.05)
      const f0 = estimateF0(out, { sampleRate: RATE }) as number
      expect(Math.abs(f0 / 140 - 1)).toBeLessThan(0.03)
    },
  )

  it.each([0.5, 0.8, 1.3, 2])(
    'pitch %s keeps the duration (within 2 percent) and moves F0 by it',
    (pitch) => {
      const out = timeScalePcm(source, { sampleRate: RATE, pitch })
      expect(Math.abs(out.length / source.length - 1)).toBeLessThan(0.02)
      const f0 = estimateF0(out, { sampleRate: RATE }) as number
      expect(Math.abs(f0 / (140 * pitch) - 1)).toBeLessThan(0.03)
    },
  )

  it('speed and pitch together', () => {
    const out = timeScalePcm(source, { sampleRate: RATE, speed: 1.5, pitch: 0.8 })
    expect(Math.abs(out.length / (source.length / 1.5) - 1)).toBeLessThan(0.05)
    const f0 = estimateF0(out, { sampleRate: RATE }) as number
    expect(Math.abs(f0 / 112 - 1)).toBeLessThan(0.03)
  })

  it.each([
    [0.55, 1],
    [1.5, 1],
    [1, 1.3],
    [0.25, 2],
  ])('speed %s pitch %s: any chunking gives the same samples as one push', (speed, pitch) => {
    expect(chunked(source, speed, pitch)).toEqual(
      timeScalePcm(source, { sampleRate: RATE, speed, pitch }),
    )
  })

  it('has no clicks: no sample step larger than the signal’s own (with headroom)', () => {
    const own = maxJump(source)
    for (const [speed, pitch] of [
      [0.55, 1],
      [1.5, 1],
      [1, 1.3],
      [4, 1],
    ] as const) {
      const out = chunked(source, speed, pitch)
      // A pitch raised by p steepens the waveform by about p.
      expect(maxJump(out)).toBeLessThan(own * pitch * 1.25)
    }
  })

  it('leaves audio untouched at speed 1 and pitch 1', () => {
    const scale = createTimeScale({ sampleRate: RATE })
    expect(scale.push(source)).toEqual(source)
    expect(scale.flush().length).toBe(0)
  })

  it('refuses factors out of range with what is allowed', () => {
    expect(() => createTimeScale({ sampleRate: RATE, speed: 5 })).toThrow(
      /speed must be from 0.25 to 4/,
    )
    expect(() => createTimeScale({ sampleRate: RATE, pitch: 0.4 })).toThrow(
      /pitch must be from 0.5 to 2/,
    )
  })
})
