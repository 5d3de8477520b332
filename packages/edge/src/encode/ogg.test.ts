import { describe, expect, it } from 'vitest'
import { createOggWriter, OGG_BOS, OGG_EOS, oggCrc32, segmentCount } from './ogg.ts'

const hex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (b) => Number.parseInt(b, 16))

// The first page of an Ogg Vorbis file written by libogg (wasm-media-encoders' Vorbis build,
// serial 0x1234): its checksum was computed by libogg, not by us.
const LIBOGG_PAGE = hex(
  '4f67675300020000000000000000341200000000000027db8b8b011e01766f726269730000000001c05d000000' +
    '000000ec76000000000000a901',
)

describe('oggCrc32', () => {
  it('matches the published check value of this CRC (CRC-32/POSIX without its final XOR)', () => {
    // The CRC catalogue's CRC-32/POSIX check of "123456789" is 0x765e7680 = ours ^ 0xffffffff.
    expect(oggCrc32(new TextEncoder().encode('123456789'))).toBe((0x765e7680 ^ 0xffffffff) >>> 0)
    expect(oggCrc32(new TextEncoder().encode('123456789'))).toBe(0x89a1897f)
  })

  it('reproduces the checksum libogg wrote on a real page', () => {
    const page = LIBOGG_PAGE.slice()
    const stored = new DataView(page.buffer).getUint32(22, true)
    page.fill(0, 22, 26)
    expect(oggCrc32(page)).toBe(stored)
  })
})

describe('createOggWriter', () => {
  it('laces packets of 0, 254, 255 and 510 bytes as the spec says', () => {
    const sizes = [0, 254, 255, 510]
    const packets = sizes.map((n, k) => new Uint8Array(n).fill(k + 1))
    const page = createOggWriter(7).page(packets, 960n, { bos: true, eos: true })
    const lacing = Array.from(page.subarray(27, 27 + (page[26] ?? 0)))
    expect(lacing).toEqual([0, 254, 255, 0, 255, 255, 0])
    expect(sizes.map(segmentCount)).toEqual([1, 1, 2, 3])
    expect(page[5]).toBe(OGG_BOS | OGG_EOS)
    expect(page.length).toBe(27 + 7 + 0 + 254 + 255 + 510)
  })

  it('numbers pages and refuses more than 255 segments on one page', () => {
    const ogg = createOggWriter(1)
    const seq = (p: Uint8Array) => new DataView(p.buffer).getUint32(18, true)
    expect(seq(ogg.page([new Uint8Array(3)], 0n))).toBe(0)
    expect(seq(ogg.page([new Uint8Array(3)], 0n))).toBe(1)
    expect(() => ogg.page([new Uint8Array(255 * 255)], 0n)).toThrow(/255 segments/)
  })
})
