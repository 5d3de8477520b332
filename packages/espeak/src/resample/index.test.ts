import { describe, expect, it } from 'vitest'
import { resamplePcm16 } from './index.ts'

function sine(rate: number, hz: number, seconds: number, amplitude = 10_000): Int16Array {
  const out = new Int16Array(Math.round(rate * seconds))
  for (let i = 0; i < out.length; i++)
    out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate))
  return out
}

function rms(samples: Int16Array, skip = 200): number {
  let sum = 0
  let n = 0
  for (let i = skip; i < samples.length - skip; i++) {
    sum += (samples[i] ?? 0) ** 2
    n++
  }
  return Math.sqrt(sum / n)
}

// Counts upward zero crossings, a frequency estimate that needs no FFT.
function frequency(samples: Int16Array, rate: number): number {
  let crossings = 0
  for (let i = 1; i < samples.length; i++)
    if ((samples[i - 1] ?? 0) < 0 && (samples[i] ?? 0) >= 0) crossings++
  return (crossings * rate) / samples.length
}

describe('resamplePcm16', () => {
  it('turns 22,050 Hz into 24,000 Hz keeping length, pitch and loudness', () => {
    const input = sine(22_050, 440, 1)
    const output = resamplePcm16(input, 22_050, 24_000)
    expect(output.length).toBe(24_000)
    expect(frequency(output, 24_000)).toBeCloseTo(440, -1)
    expect(rms(output) / rms(input)).toBeGreaterThan(0.97)
    expect(rms(output) / rms(input)).toBeLessThan(1.03)
  })

  it('tracks the waveform sample by sample, not only on average', () => {
    const output = resamplePcm16(sine(22_050, 1000, 0.5), 22_050, 24_000)
    const ideal = sine(24_000, 1000, 0.5)
    let worst = 0
    for (let i = 300; i < output.length - 300; i++)
      worst = Math.max(worst, Math.abs((output[i] ?? 0) - (ideal[i] ?? 0)))
    // Linear interpolation errs by ~100 here; a proper sinc filter stays near rounding error.
    expect(worst).toBeLessThan(20)
  })

  it('removes content above the new Nyquist frequency instead of aliasing it', () => {
    // 10 kHz cannot exist at 16 kHz; sample dropping or linear interpolation folds it to 6 kHz.
    const output = resamplePcm16(sine(22_050, 10_000, 0.5), 22_050, 16_000)
    expect(rms(output)).toBeLessThan(10_000 * Math.SQRT1_2 * 0.01)
  })

  it('returns a copy when the rates are equal and rejects nonsense rates', () => {
    const input = sine(24_000, 300, 0.01)
    const output = resamplePcm16(input, 24_000, 24_000)
    expect(output).toEqual(input)
    expect(output).not.toBe(input)
    expect(() => resamplePcm16(input, 24_000, 0)).toThrow(/toRate must be an integer/)
    expect(() => resamplePcm16(input, 22_050.5, 24_000)).toThrow(/fromRate/)
  })
})
