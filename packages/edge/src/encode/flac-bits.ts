/**
 * @module encode/flac-bits — the bit-level pieces of the FLAC encoder: a growable MSB-first
 * bit writer and FLAC's two checksums (CRC-8 over a frame header, CRC-16 over a frame).
 */

/** Appends bits most significant first; bytes are read back with `bytes()`. */
export class BitWriter {
  private buffer: Uint8Array<ArrayBuffer>
  private length = 0
  private acc = 0
  private accBits = 0

  constructor(capacity = 8192) {
    this.buffer = new Uint8Array(capacity)
  }

  /** Writes the low `count` bits of `value` (count ≤ 24; negative values as two's complement). */
  write(value: number, count: number): void {
    if (count === 0) return
    this.acc = (this.acc << count) | (value & ((1 << count) - 1))
    this.accBits += count
    while (this.accBits >= 8) {
      this.accBits -= 8
      this.pushByte((this.acc >>> this.accBits) & 0xff)
    }
    this.acc &= (1 << this.accBits) - 1
  }

  /** Writes up to 32 bits, for values wider than `write` takes. */
  writeWide(value: number, count: number): void {
    if (count > 24) {
      this.write(Math.floor(value / 2 ** 24), count - 24)
      this.write(value % 2 ** 24, 24)
    } else this.write(value, count)
  }

  /** Writes `zeros` zero bits then a one: the unary part of a Rice code. */
  unary(zeros: number): void {
    let left = zeros
    while (left >= 24) {
      this.write(0, 24)
      left -= 24
    }
    this.write(1, left + 1)
  }

  /** Pads with zero bits to the next byte boundary. */
  align(): void {
    if (this.accBits > 0) this.write(0, 8 - this.accBits)
  }

  /** Bytes written so far (whole bytes only). */
  get byteLength(): number {
    return this.length
  }

  /** A copy of the bytes from `start` to the last whole byte. */
  bytes(start = 0): Uint8Array<ArrayBuffer> {
    return this.buffer.slice(start, this.length)
  }

  /** A view (not a copy) of the bytes from `start`, for checksums. */
  view(start = 0): Uint8Array {
    return this.buffer.subarray(start, this.length)
  }

  private pushByte(byte: number): void {
    if (this.length === this.buffer.length) {
      const grown = new Uint8Array(this.buffer.length * 2)
      grown.set(this.buffer)
      this.buffer = grown
    }
    this.buffer[this.length++] = byte
  }
}

function table(poly: number, width: number): Uint16Array {
  const top = 1 << (width - 1)
  const mask = (1 << width) - 1
  const out = new Uint16Array(256)
  for (let i = 0; i < 256; i++) {
    let crc = i << (width - 8)
    for (let b = 0; b < 8; b++) crc = crc & top ? ((crc << 1) ^ poly) & mask : (crc << 1) & mask
    out[i] = crc
  }
  return out
}

const CRC8 = table(0x07, 8)
const CRC16 = table(0x8005, 16)

/** FLAC's CRC-8 (polynomial x^8 + x^2 + x + 1), over a frame header. */
export function crc8(bytes: Uint8Array): number {
  let crc = 0
  for (const b of bytes) crc = CRC8[crc ^ b] ?? 0
  return crc
}

/** FLAC's CRC-16 (polynomial x^16 + x^15 + x^2 + 1), over a whole frame. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0
  for (const b of bytes) crc = (((crc << 8) & 0xffff) ^ (CRC16[(crc >>> 8) ^ b] ?? 0)) & 0xffff
  return crc
}
