import { describe, expect, it } from 'vitest'
import { durationMs, type PcmAudio, XTTS_FORMAT } from './format.ts'
import { concatPcm, concatSamples, pcm16FromBytes, pcm16ToBytes, toPcm16 } from './pcm.ts'
import { errorOf, f32, s16 } from './test-wav.ts'

const pcm16 = (samples: number[], format: Partial<PcmAudio> = {}): PcmAudio => ({
  ...XTTS_FORMAT,
  data: new Uint8Array(s16(samples)),
  ...format,
})

describe('toPcm16', () => {
  it('converts float samples with clipping and rounding', () => {
    const audio: PcmAudio = {
      sampleRate: 24_000,
      channels: 1,
      encoding: 'float32',
      data: new Uint8Array(f32([0, 0.5, -0.5, 1, -1, 1.7, -3, Number.NaN, 1e-6, 0.25])),
    }
    expect(Array.from(toPcm16(audio))).toEqual([
      0, 16384, -16384, 32767, -32768, 32767, -32768, 0, 0, 8192,
    ])
  })

  it('returns a copy, not a view of the input', () => {
    const audio = pcm16([1, 2, 3])
    const out = toPcm16(audio)
    out[0] = 99
    expect(Array.from(toPcm16(audio))).toEqual([1, 2, 3])
  })

  it('drops a trailing half sample', () => {
    const audio = { ...XTTS_FORMAT, data: new Uint8Array([1, 0, 2]) }
    expect(Array.from(toPcm16(audio))).toEqual([1])
  })
})

describe('concatPcm', () => {
  it('joins same-format parts in order and adds their durations', () => {
    const joined = concatPcm([pcm16([1, 2]), pcm16([]), pcm16([3, 4, 5])])
    expect(Array.from(toPcm16(joined))).toEqual([1, 2, 3, 4, 5])
    expect(joined.durationMs).toBeCloseTo((5 / 24_000) * 1000, 9)
    expect(joined).toMatchObject(XTTS_FORMAT)
  })

  it.each([
    [
      'sample rate',
      { sampleRate: 22_050 },
      /part 1 is 22050 Hz, 1 channel, pcm16 but part 0 is 24000 Hz/,
    ],
    ['channels', { channels: 2 }, /part 1 is 24000 Hz, 2 channels/],
    [
      'encoding',
      { encoding: 'float32' as const, data: new Uint8Array(f32([0.1])) },
      /part 1 .* float32/,
    ],
  ])('rejects a part with another %s', (_, other, message) => {
    const e = errorOf(() => concatPcm([pcm16([1, 2]), pcm16([3, 4], other)]))
    expect(e.reason).toBe('format_mismatch')
    expect(e.code).toBe('invalid_audio')
    expect(e.message).toMatch(message)
  })

  it('rejects a part that ends mid-frame, since everything after it would be misaligned', () => {
    const cut = { ...XTTS_FORMAT, data: new Uint8Array([1, 0, 2]) }
    expect(errorOf(() => concatPcm([cut, pcm16([1])])).reason).toBe('partial_frame')
  })

  it('rejects no parts at all', () => {
    expect(errorOf(() => concatPcm([])).reason).toBe('invalid_argument')
  })
})

describe('durationMs', () => {
  it('counts whole frames of the format', () => {
    expect(durationMs(XTTS_FORMAT, 48_000)).toBe(1000)
    expect(durationMs({ sampleRate: 48_000, channels: 2, encoding: 'float32' }, 384_000)).toBe(1000)
    expect(durationMs(XTTS_FORMAT, 48_001)).toBe(1000)
    expect(durationMs(pcm16([1, 2, 3, 4]))).toBeCloseTo(4 / 24, 9)
  })

  it('rejects a negative length', () => {
    expect(errorOf(() => durationMs(XTTS_FORMAT, -2)).reason).toBe('invalid_argument')
  })
})

describe('pcm16ToBytes / pcm16FromBytes', () => {
  it('writes little-endian s16 and reads it back, extremes included', () => {
    const samples = Int16Array.of(0, 1, -1, 256, 32767, -32768)
    const bytes = pcm16ToBytes(samples)
    expect(Array.from(bytes)).toEqual([0, 0, 1, 0, 255, 255, 0, 1, 255, 127, 0, 128])
    expect(pcm16FromBytes(bytes)).toEqual(samples)
  })

  it('copies: later writes to either side do not leak through', () => {
    const samples = Int16Array.of(5, 6)
    const bytes = pcm16ToBytes(samples)
    samples[0] = 99
    expect(pcm16FromBytes(bytes)[0]).toBe(5)
    const back = pcm16FromBytes(bytes)
    bytes[0] = 42
    expect(back[0]).toBe(5)
  })

  it('reads bytes at an odd offset of a bigger buffer and drops a trailing half sample', () => {
    const big = Uint8Array.of(9, 3, 0, 255, 255, 7)
    expect(Array.from(pcm16FromBytes(big.subarray(1)))).toEqual([3, -1])
    expect(pcm16FromBytes(new Uint8Array(1))).toHaveLength(0)
  })

  it('writes only the viewed samples of a subarray', () => {
    const view = Int16Array.of(1, 2, 3, 4).subarray(1, 3)
    expect(pcm16FromBytes(pcm16ToBytes(view))).toEqual(Int16Array.of(2, 3))
  })

  it('round-trips random samples', () => {
    const samples = new Int16Array(crypto.getRandomValues(new Uint8Array(4096)).buffer)
    expect(pcm16FromBytes(pcm16ToBytes(samples))).toEqual(samples)
    expect(toPcm16({ ...XTTS_FORMAT, data: pcm16ToBytes(samples) })).toEqual(samples)
  })
})

describe('concatSamples', () => {
  it('joins parts in order into a fresh array', () => {
    const a = Int16Array.of(1, 2)
    const out = concatSamples([a, new Int16Array(0), Int16Array.of(3, 4, 5).subarray(1)])
    expect(Array.from(out)).toEqual([1, 2, 4, 5])
    a[0] = 9
    expect(out[0]).toBe(1)
    expect(concatSamples([])).toHaveLength(0)
  })
})
