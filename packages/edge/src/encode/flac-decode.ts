/**
 * @module encode/flac-decode — a small FLAC decoder for tests: it reads what a FLAC encoder
 * with fixed predictors writes (constant, verbatim and fixed subframes, Rice and Rice2
 * residuals with escapes, independent and side-coded channels, any block size) and checks both
 * CRCs of every frame, so an encoder test can assert a bit-exact round trip where no reference
 * decoder is installed. LPC subframes are refused (ours writes none).
 */
import { crc8, crc16 } from './flac-bits.ts'

class BitReader {
  pos = 0
  private readonly bytes: Uint8Array
  constructor(bytes: Uint8Array) {
    this.bytes = bytes
  }
  bit(): number {
    const byte = this.bytes[this.pos >> 3]
    if (byte === undefined) throw new Error('flac: unexpected end of data')
    const b = (byte >> (7 - (this.pos & 7))) & 1
    this.pos++
    return b
  }
  uint(count: number): number {
    let v = 0
    for (let i = 0; i < count; i++) v = v * 2 + this.bit()
    return v
  }
  int(count: number): number {
    const v = this.uint(count)
    return count > 0 && v >= 2 ** (count - 1) ? v - 2 ** count : v
  }
  unary(): number {
    let zeros = 0
    while (this.bit() === 0) zeros++
    return zeros
  }
  align(): void {
    this.pos = (this.pos + 7) & ~7
  }
}

/** What a FLAC file holds: STREAMINFO's fields and the interleaved samples. */
export interface DecodedFlac {
  sampleRate: number
  channels: number
  bitsPerSample: number
  /** STREAMINFO's total sample count per channel (0: unknown). */
  totalSamples: number
  frames: number
  samples: Int16Array
}

const FIXED: readonly (readonly number[])[] = [[], [1], [2, -1], [3, -3, 1], [4, -6, 4, -1]]

function residual(r: BitReader, blockSize: number, order: number, out: number[]): void {
  const method = r.uint(2)
  if (method > 1) throw new Error(`flac: reserved residual coding ${method}`)
  const paramBits = method === 0 ? 4 : 5
  const partitionOrder = r.uint(4)
  const parts = 1 << partitionOrder
  for (let p = 0; p < parts; p++) {
    const count = (blockSize >> partitionOrder) - (p === 0 ? order : 0)
    const k = r.uint(paramBits)
    if (k === (1 << paramBits) - 1) {
      const bits = r.uint(5)
      for (let i = 0; i < count; i++) out.push(r.int(bits))
      continue
    }
    for (let i = 0; i < count; i++) {
      const u = r.unary() * 2 ** k + r.uint(k)
      out.push(u % 2 === 0 ? u / 2 : -(u + 1) / 2)
    }
  }
}

function subframe(r: BitReader, blockSize: number, bps: number): number[] {
  if (r.bit() !== 0) throw new Error('flac: subframe padding bit set')
  const type = r.uint(6)
  const wasted = r.bit() === 1 ? r.unary() + 1 : 0
  const bits = bps - wasted
  let x: number[]
  if (type === 0) x = new Array<number>(blockSize).fill(r.int(bits))
  else if (type === 1) x = Array.from({ length: blockSize }, () => r.int(bits))
  else if (type >= 8 && type <= 12) {
    const order = type - 8
    x = Array.from({ length: order }, () => r.int(bits))
    const res: number[] = []
    residual(r, blockSize, order, res)
    const coefs = FIXED[order] ?? []
    for (const e of res) {
      let prediction = 0
      coefs.forEach((c, j) => {
        prediction += c * (x[x.length - 1 - j] ?? 0)
      })
      x.push(prediction + e)
    }
  } else throw new Error(`flac: subframe type ${type} is not supported by this test decoder`)
  return wasted ? x.map((v) => v * 2 ** wasted) : x
}

const BLOCK_SIZES = [
  0, 192, 576, 1152, 2304, 4608, 0, 0, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768,
]

/**
 * Decodes a whole FLAC file of up to 16 bits per sample; throws on any CRC or format error.
 *
 * @example
 * expect(decodeFlac(file).samples).toEqual(pcm)
 */
export function decodeFlac(file: Uint8Array): DecodedFlac {
  if (String.fromCharCode(...file.subarray(0, 4)) !== 'fLaC') throw new Error('flac: no fLaC')
  const r = new BitReader(file)
  r.pos = 32
  let info: Omit<DecodedFlac, 'samples' | 'frames'> | undefined
  for (let last = 0; last === 0; ) {
    last = r.bit()
    const type = r.uint(7)
    const length = r.uint(24)
    const start = r.pos
    if (type === 0) {
      r.uint(16 + 16 + 24 + 24)
      const sampleRate = r.uint(20)
      const channels = r.uint(3) + 1
      const bitsPerSample = r.uint(5) + 1
      info = { sampleRate, channels, bitsPerSample, totalSamples: r.uint(36) }
    }
    r.pos = start + length * 8
  }
  if (!info) throw new Error('flac: no STREAMINFO')
  const out: number[] = []
  let frames = 0
  while (r.pos / 8 < file.length) {
    const start = r.pos / 8
    if (r.uint(14) !== 0x3ffe) throw new Error(`flac: no frame sync at byte ${start}`)
    r.uint(2)
    const sizeCode = r.uint(4)
    const rateCode = r.uint(4)
    const assignment = r.uint(4)
    const sizeBits = [info.bitsPerSample, 8, 12, 0, 16, 20, 24, 32][r.uint(3)] ?? 0
    r.uint(1)
    const lead = r.uint(8)
    for (let extra = Math.max(0, Math.clz32(~(lead << 24)) - 1); extra > 0; extra--) r.uint(8)
    let blockSize = BLOCK_SIZES[sizeCode] ?? 0
    if (sizeCode === 6) blockSize = r.uint(8) + 1
    if (sizeCode === 7) blockSize = r.uint(16) + 1
    if (rateCode === 12) r.uint(8)
    if (rateCode === 13 || rateCode === 14) r.uint(16)
    const headerEnd = r.pos / 8
    if (r.uint(8) !== crc8(file.subarray(start, headerEnd))) throw new Error('flac: header CRC')
    const channels = assignment < 8 ? assignment + 1 : 2
    const chans: number[][] = []
    for (let ch = 0; ch < channels; ch++) {
      const side = ch === (assignment === 9 ? 0 : 1) && assignment >= 8
      chans.push(subframe(r, blockSize, sizeBits + (side ? 1 : 0)))
    }
    const [a = [], b = []] = chans
    if (assignment === 8) chans[1] = a.map((v, i) => v - (b[i] ?? 0))
    if (assignment === 9) chans[0] = b.map((v, i) => v + (a[i] ?? 0))
    if (assignment === 10) {
      chans[0] = a.map((m, i) => (m * 2 + ((b[i] ?? 0) & 1) + (b[i] ?? 0)) >> 1)
      chans[1] = a.map((m, i) => (m * 2 + ((b[i] ?? 0) & 1) - (b[i] ?? 0)) >> 1)
    }
    r.align()
    const end = r.pos / 8
    if (r.uint(16) !== crc16(file.subarray(start, end))) throw new Error('flac: frame CRC')
    for (let i = 0; i < blockSize; i++) for (const c of chans) out.push(c[i] ?? 0)
    frames++
  }
  return { ...info, frames, samples: Int16Array.from(out) }
}
