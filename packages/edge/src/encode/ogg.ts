/**
 * @module ogg — writes Ogg pages (RFC 3533): capture pattern, CRC-32, granule positions and
 * segment lacing, for the Ogg Opus encoder.
 *
 * Written here because no maintained Ogg muxer fits workerd: the npm ones are Node-stream
 * based, tied to a particular codec build, or (`opus-encdec`) write broken pages. An Ogg page
 * writer is small and fully specified, and the tests check it with a separate reader.
 */

/** Header-type flag: first page of a logical stream. */
export const OGG_BOS = 0x02
/** Header-type flag: last page of a logical stream. */
export const OGG_EOS = 0x04
/** A page's segment table holds at most this many lacing values. */
export const OGG_MAX_SEGMENTS = 255

const HEADER_BYTES = 27

// MSB-first CRC-32, polynomial 0x04C11DB7, initial value 0, no final XOR: Ogg's own variant,
// not the reflected zlib CRC that `CompressionStream` and most libraries compute.
const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let r = i << 24
    for (let bit = 0; bit < 8; bit++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1
    table[i] = r >>> 0
  }
  return table
})()

/**
 * Ogg's CRC-32 of `bytes` (the checksum field of the page must be zero while it is computed).
 *
 * @example
 * oggCrc32(new TextEncoder().encode('123456789')) // 0x89a1897f
 */
export function oggCrc32(bytes: Uint8Array): number {
  let crc = 0
  for (let i = 0; i < bytes.length; i++) {
    crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ (bytes[i] ?? 0)) & 0xff] ?? 0)) >>> 0
  }
  return crc
}

/**
 * Lacing values a packet of `length` bytes needs: one per 255 bytes, plus a final one below
 * 255 (possibly 0) that marks the packet's end.
 *
 * @example
 * segmentCount(255) // 2 (255, 0)
 */
export function segmentCount(length: number): number {
  return Math.floor(length / 255) + 1
}

/** Flags of one page. */
export interface OggPageFlags {
  bos?: boolean
  eos?: boolean
}

/** Writes the pages of one logical stream, numbering them in order. */
export interface OggWriter {
  /**
   * One page holding `packets` whole, with `granule` as its granule position. Packets never
   * continue across pages: Opus packets are at most 1275 bytes per frame, far below one
   * page's 255 × 255 bytes, so the caller groups them to fit.
   */
  page(
    packets: readonly Uint8Array[],
    granule: bigint,
    flags?: OggPageFlags,
  ): Uint8Array<ArrayBuffer>
}

/**
 * A page writer for the logical stream `serial`.
 *
 * @throws RangeError when the packets need more than 255 lacing values.
 * @example
 * const ogg = createOggWriter(0x1234)
 * const first = ogg.page([opusHead], 0n, { bos: true })
 */
export function createOggWriter(serial: number): OggWriter {
  let sequence = 0
  return {
    page(packets, granule, flags = {}) {
      let segments = 0
      let bodyBytes = 0
      for (const p of packets) {
        segments += segmentCount(p.length)
        bodyBytes += p.length
      }
      if (segments > OGG_MAX_SEGMENTS) {
        throw new RangeError(
          `an Ogg page holds at most 255 segments, these packets need ${segments}`,
        )
      }
      const page = new Uint8Array(HEADER_BYTES + segments + bodyBytes)
      const view = new DataView(page.buffer)
      page.set([0x4f, 0x67, 0x67, 0x53]) // 'OggS'
      view.setUint8(4, 0) // stream structure version
      view.setUint8(5, (flags.bos ? OGG_BOS : 0) | (flags.eos ? OGG_EOS : 0))
      view.setBigUint64(6, granule, true)
      view.setUint32(14, serial >>> 0, true)
      view.setUint32(18, sequence++, true)
      view.setUint8(26, segments)
      let lace = HEADER_BYTES
      let body = HEADER_BYTES + segments
      for (const p of packets) {
        for (let left = p.length; left >= 255; left -= 255) page[lace++] = 255
        page[lace++] = p.length % 255
        page.set(p, body)
        body += p.length
      }
      view.setUint32(22, oggCrc32(page), true)
      return page
    },
  }
}
