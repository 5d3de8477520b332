import { describe, expect, it } from 'vitest'
import { XTTS_FORMAT } from './format.ts'
import { pcm16ToBytes, toPcm16 } from './pcm.ts'
import { errorOf, tone } from './test-wav.ts'
import { parseWav } from './wav.ts'
import {
  streamingWavHeader,
  WAV_HEADER_BYTES,
  wavFromPcmBytes,
  wavHeader,
  writeWav,
} from './wav-write.ts'

const reason = (fn: () => unknown): string => {
  const e = errorOf(fn)
  return `${e.reason}: ${e.message}`
}
const sizesOf = (header: Uint8Array): [number, number] => {
  const v = new DataView(header.buffer, header.byteOffset, header.byteLength)
  return [v.getUint32(4, true), v.getUint32(40, true)]
}

describe('wavHeader', () => {
  it('writes the canonical 44-byte header with the given sizes', () => {
    const h = wavHeader({ sampleRate: 24_000, channels: 1, dataBytes: 4800 })
    expect(h.length).toBe(WAV_HEADER_BYTES)
    const v = new DataView(h.buffer)
    expect(String.fromCharCode(...h.subarray(0, 4))).toBe('RIFF')
    expect(v.getUint32(4, true)).toBe(36 + 4800)
    expect(String.fromCharCode(...h.subarray(8, 16))).toBe('WAVEfmt ')
    expect(v.getUint32(16, true)).toBe(16)
    expect(v.getUint16(20, true)).toBe(1)
    expect(v.getUint32(24, true)).toBe(24_000)
    expect(v.getUint32(28, true)).toBe(48_000)
    expect(v.getUint16(32, true)).toBe(2)
    expect(v.getUint16(34, true)).toBe(16)
    expect(String.fromCharCode(...h.subarray(36, 40))).toBe('data')
    expect(v.getUint32(40, true)).toBe(4800)
  })

  it('writes zero sizes for a stream', () => {
    const v = new DataView(wavHeader({ sampleRate: 24_000, channels: 1 }).buffer)
    expect([v.getUint32(4, true), v.getUint32(40, true)]).toEqual([0, 0])
  })

  it('rejects bad sizes and formats', () => {
    expect(reason(() => wavHeader({ sampleRate: 24_000, channels: 1, dataBytes: -1 }))).toMatch(
      /^invalid_argument: dataBytes/,
    )
    expect(reason(() => wavHeader({ sampleRate: 24_000, channels: 1, dataBytes: 1.5 }))).toMatch(
      /dataBytes/,
    )
    expect(reason(() => wavHeader({ sampleRate: 24_000.5, channels: 1 }))).toMatch(/sample rate/)
  })
})

describe('writeWav', () => {
  it('round-trips through parseWav', () => {
    const samples = new Int16Array([...tone(0.05), 32767, -32768, 0])
    const wav = writeWav({ sampleRate: 24_000, channels: 1 }, samples)
    expect(wav.length).toBe(WAV_HEADER_BYTES + samples.length * 2)
    const parsed = parseWav(wav)
    expect(parsed).toMatchObject({
      sampleRate: 24_000,
      channels: 1,
      encoding: 'pcm16',
      streamed: false,
    })
    expect(toPcm16(parsed)).toEqual(samples)
  })

  it('round-trips stereo', () => {
    const samples = new Int16Array([1, -1, 2, -2, 3, -3])
    const parsed = parseWav(writeWav({ sampleRate: 44_100, channels: 2 }, samples))
    expect(parsed.channels).toBe(2)
    expect(parsed.durationMs).toBeCloseTo((3 / 44_100) * 1000, 9)
    expect(toPcm16(parsed)).toEqual(samples)
  })

  it('rejects samples that are not whole frames', () => {
    expect(reason(() => writeWav({ sampleRate: 24_000, channels: 2 }, new Int16Array(3)))).toMatch(
      /^partial_frame/,
    )
  })
})

describe('streamingWavHeader', () => {
  it('by default writes what XTTS /tts_stream sends: RIFF size 36, data size 0', () => {
    const head = streamingWavHeader({ sampleRate: 24_000, channels: 1 })
    expect(sizesOf(head)).toEqual([36, 0])
    // python3 -c "import wave,io; b=io.BytesIO(); w=wave.open(b,'wb'); w.setnchannels(1);
    //   w.setsampwidth(2); w.setframerate(24000); w.writeframes(b''); w.close(); print(list(b.getvalue()))"
    expect(Array.from(head)).toEqual([
      82, 73, 70, 70, 36, 0, 0, 0, 87, 65, 86, 69, 102, 109, 116, 32, 16, 0, 0, 0, 1, 0, 1, 0, 192,
      93, 0, 0, 128, 187, 0, 0, 2, 0, 16, 0, 100, 97, 116, 97, 0, 0, 0, 0,
    ])
  })

  it("with sizes 'max' writes 0xFFFFFFFF in both size fields and keeps the format", () => {
    const head = streamingWavHeader({ sampleRate: 48_000, channels: 2, sizes: 'max' })
    expect(sizesOf(head)).toEqual([0xffffffff, 0xffffffff])
    const v = new DataView(head.buffer)
    expect([v.getUint16(22, true), v.getUint32(24, true), v.getUint16(34, true)]).toEqual([
      2, 48_000, 16,
    ])
  })

  it('rejects an unknown sizes value and a bad format', () => {
    const bad = { sampleRate: 24_000, channels: 1, sizes: 'none' as 'xtts' }
    expect(reason(() => streamingWavHeader(bad))).toMatch(
      /^invalid_argument: sizes .*'xtts', 'max'/,
    )
    expect(reason(() => streamingWavHeader({ sampleRate: 24_000, channels: 0 }))).toMatch(/channel/)
  })
})

describe('wavFromPcmBytes', () => {
  it('wraps raw s16le in a sized header that parses back to the same samples', () => {
    const samples = new Int16Array(tone(0.02))
    const bytes = pcm16ToBytes(samples)
    const wav = wavFromPcmBytes(XTTS_FORMAT, bytes)
    expect(sizesOf(wav)).toEqual([36 + bytes.byteLength, bytes.byteLength])
    const parsed = parseWav(wav)
    expect(parsed.streamed).toBe(false)
    expect(toPcm16(parsed)).toEqual(samples)
    expect(wav).toEqual(writeWav(XTTS_FORMAT, samples))
  })

  it('rejects bytes that are not whole frames', () => {
    expect(reason(() => wavFromPcmBytes(XTTS_FORMAT, new Uint8Array(3)))).toMatch(/^partial_frame/)
    expect(
      reason(() => wavFromPcmBytes({ ...XTTS_FORMAT, channels: 2 }, new Uint8Array(6))),
    ).toMatch(/^partial_frame: 6 bytes/)
  })
})
