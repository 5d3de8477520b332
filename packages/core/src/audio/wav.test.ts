import { describe, expect, it } from 'vitest'
import { concatBytes } from '../bytes/index.ts'
import { isAudioError } from './errors.ts'
import { XTTS_FORMAT } from './format.ts'
import { toPcm16 } from './pcm.ts'
import { ascii, chunk, f32, fmtBody, riff, s16, tone, u32 } from './test-wav.ts'
import { parseWav } from './wav.ts'
import { streamingWavHeader, wavHeader, writeWav } from './wav-write.ts'

function reasonOf(fn: () => unknown): string {
  try {
    fn()
  } catch (e) {
    if (isAudioError(e)) return `${e.reason}: ${e.message}`
    throw e
  }
  throw new Error('expected an AudioError')
}

describe('parseWav', () => {
  it('reads a handmade 16-bit PCM WAV', () => {
    const bytes = riff([
      chunk('fmt ', fmtBody(1, 1, 24_000, 16)),
      chunk('data', s16([0, 1000, -1000, 32767, -32768])),
    ])
    const wav = parseWav(bytes)
    expect(wav).toMatchObject({
      sampleRate: 24_000,
      channels: 1,
      bitsPerSample: 16,
      encoding: 'pcm16',
      streamed: false,
    })
    expect(Array.from(toPcm16(wav))).toEqual([0, 1000, -1000, 32767, -32768])
    expect(wav.durationMs).toBeCloseTo((5 / 24_000) * 1000, 9)
  })

  it('reads 32-bit float data, stereo', () => {
    const bytes = riff([
      chunk('fmt ', fmtBody(3, 2, 48_000, 32)),
      chunk('fact', u32(2)),
      chunk('data', f32([0.5, -0.5, 1, -1])),
    ])
    const wav = parseWav(bytes)
    expect(wav).toMatchObject({
      encoding: 'float32',
      bitsPerSample: 32,
      channels: 2,
      sampleRate: 48_000,
    })
    expect(wav.data.byteLength).toBe(16)
    expect(wav.durationMs).toBeCloseTo((2 / 48_000) * 1000, 9)
  })

  it('reads WAVE_FORMAT_EXTENSIBLE by its sub-format', () => {
    const ext = [
      ...fmtBody(0xfffe, 1, 16_000, 16),
      ...[22, 0],
      ...[16, 0],
      ...u32(4),
      1,
      0,
      ...new Array(14).fill(0),
    ]
    const wav = parseWav(riff([chunk('fmt ', ext), chunk('data', s16([7, 8]))]))
    expect(wav.encoding).toBe('pcm16')
    expect(Array.from(toPcm16(wav))).toEqual([7, 8])
  })

  it('takes chunks in any order, skips LIST/fact and honours odd-size padding', () => {
    const list = chunk('LIST', [...ascii('INFO'), ...ascii('ISFT'), ...u32(3), 65, 66, 0]) // 15 bytes: odd
    expect(list.length % 2).toBe(0) // the helper padded it
    const bytes = riff([
      chunk('data', s16([5, -5, 6])),
      list,
      chunk('fact', u32(3)),
      chunk('fmt ', fmtBody(1, 1, 22_050, 16)),
      chunk('junk', [1, 2, 3]),
    ])
    const wav = parseWav(bytes)
    expect(wav.sampleRate).toBe(22_050)
    expect(Array.from(toPcm16(wav))).toEqual([5, -5, 6])
  })

  it('without the pad byte after an odd chunk, the next chunk is misread and rejected', () => {
    const unpadded = [...ascii('LIST'), ...u32(3), 1, 2, 3] // no pad byte
    const bytes = riff([
      unpadded,
      chunk('fmt ', fmtBody(1, 1, 24_000, 16)),
      chunk('data', s16([1])),
    ])
    expect(() => parseWav(bytes)).toThrow()
  })

  it.each([
    ['0', 0],
    ['0xFFFFFFFF', 0xffffffff],
  ])('treats RIFF and data sizes of %s as a stream: data runs to the end', (_, size) => {
    const head = riff(
      [chunk('fmt ', fmtBody(1, 1, 24_000, 16)), [...ascii('data'), ...u32(size)]],
      size,
    )
    const samples = tone(0.1)
    const bytes = new Uint8Array([...head, ...s16(samples)])
    const wav = parseWav(bytes)
    expect(wav.streamed).toBe(true)
    expect(wav.data.byteLength).toBe(samples.length * 2)
    expect(Array.from(toPcm16(wav))).toEqual(samples)
    expect(wav.durationMs).toBeCloseTo(100, 6)
  })

  it.each([
    ['xtts', streamingWavHeader({ sampleRate: 24_000, channels: 1 })],
    ['max', streamingWavHeader({ sampleRate: 24_000, channels: 1, sizes: 'max' })],
    ['zero', wavHeader({ sampleRate: 24_000, channels: 1 })],
  ] as const)('parses a streamed header (%s sizes) followed by chunks, to the end', (_, head) => {
    const body = new Uint8Array(s16(tone(0.25)))
    const wav = parseWav(concatBytes([head, body.subarray(0, 100), body.subarray(100)]))
    expect(wav.durationMs).toBeCloseTo(250, 6)
    expect(wav.streamed).toBe(true)
  })

  it('a header alone (streamed, nothing yet) parses to empty data', () => {
    expect(parseWav(wavHeader({ sampleRate: 24_000, channels: 1 })).data.byteLength).toBe(0)
  })

  it('ignores bytes after the RIFF size', () => {
    const bytes = riff([chunk('fmt ', fmtBody(1, 1, 24_000, 16)), chunk('data', s16([1, 2]))])
    const padded = new Uint8Array([...bytes, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9])
    expect(Array.from(toPcm16(parseWav(padded)))).toEqual([1, 2])
  })

  it('parses a WAV that sits at an odd offset inside a bigger buffer', () => {
    const bytes = riff([chunk('fmt ', fmtBody(1, 1, 24_000, 16)), chunk('data', s16([300, -300]))])
    const big = new Uint8Array(bytes.length + 1)
    big.set(bytes, 1)
    expect(Array.from(toPcm16(parseWav(big.subarray(1))))).toEqual([300, -300])
  })

  it.each([
    ['empty input', new Uint8Array(0), /^empty: .*0 bytes/],
    ['a few bytes', new Uint8Array(ascii('RIFF')), /^truncated: .*4 bytes/],
    [
      'garbage',
      new TextEncoder().encode('<html>Internal Server Error</html>'),
      /^not_wav: .*"<htm"/,
    ],
    ['RIFF but not WAVE', riff([]).map((b, i) => (i === 8 ? 65 : b)), /^not_wav/],
    ['no fmt chunk', riff([chunk('data', s16([1]))]), /^malformed: .*no fmt/],
    ['no data chunk', riff([chunk('fmt ', fmtBody(1, 1, 24_000, 16))]), /^malformed: .*no data/],
    [
      '8-bit PCM',
      riff([chunk('fmt ', fmtBody(1, 1, 8000, 8)), chunk('data', [1])]),
      /^unsupported_format: .*8-bit.*allowed/,
    ],
    [
      'mu-law',
      riff([chunk('fmt ', fmtBody(7, 1, 8000, 16)), chunk('data', [1, 2])]),
      /^unsupported_format: .*tag 7/,
    ],
    [
      '0 channels',
      riff([chunk('fmt ', fmtBody(1, 0, 8000, 16)), chunk('data', [1, 2])]),
      /^unsupported_format: 0 channels/,
    ],
    [
      '0 Hz',
      riff([chunk('fmt ', fmtBody(1, 1, 0, 16)), chunk('data', [1, 2])]),
      /^unsupported_format: sample rate 0/,
    ],
    [
      'short fmt',
      riff([chunk('fmt ', [1, 0, 1, 0]), chunk('data', [1, 2])]),
      /^malformed: fmt chunk is 4 bytes/,
    ],
  ])('rejects %s with a message that says why', (_, bytes, expected) => {
    expect(reasonOf(() => parseWav(bytes))).toMatch(expected)
  })

  it('rejects a file cut inside its data chunk, naming both sizes', () => {
    const whole = writeWav(XTTS_FORMAT, new Int16Array(tone(0.1)))
    const cut = whole.subarray(0, whole.length - 100)
    expect(reasonOf(() => parseWav(cut))).toMatch(
      /^truncated: .*declares 4800 bytes but only 4700 follow/,
    )
  })

  it('rejects a file cut inside a chunk before the data', () => {
    const bytes = riff([
      chunk('LIST', new Array(40).fill(1)),
      chunk('fmt ', fmtBody(1, 1, 24_000, 16)),
    ])
    expect(reasonOf(() => parseWav(bytes.subarray(0, 30)))).toMatch(/^truncated: .*"LIST"/)
  })

  it('errors carry the invalid_audio code', () => {
    try {
      parseWav(new Uint8Array(3))
      expect.unreachable()
    } catch (e) {
      expect(isAudioError(e) && e.code).toBe('invalid_audio')
    }
  })
})
