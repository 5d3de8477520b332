/**
 * @module test/audio-check — independent checks that bytes are the container they claim:
 * MP3 frames walked header to header, Ogg pages walked with their CRC, OpusHead/OpusTags.
 */

const MPEG1_L3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
const MPEG2_L3 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]
const RATES: Record<number, number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
}

/** Walks MP3 frames from start to end; returns how many and their sample rate. */
export function mp3Frames(bytes: Uint8Array): { frames: number; sampleRate: number } {
  let at = 0
  if (bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33) {
    const size =
      ((bytes[6] ?? 0) << 21) | ((bytes[7] ?? 0) << 14) | ((bytes[8] ?? 0) << 7) | (bytes[9] ?? 0)
    at = 10 + size
  }
  let frames = 0
  let sampleRate = 0
  while (at + 4 <= bytes.length) {
    const b1 = bytes[at + 1] ?? 0
    const b2 = bytes[at + 2] ?? 0
    if (bytes[at] !== 0xff || (b1 & 0xe0) !== 0xe0)
      throw new Error(`no MP3 frame sync at byte ${at}`)
    const version = (b1 >> 3) & 3
    if (((b1 >> 1) & 3) !== 1) throw new Error(`not Layer III at byte ${at}`)
    const bitrate = (version === 3 ? MPEG1_L3 : MPEG2_L3)[b2 >> 4] ?? 0
    const rate = RATES[version]?.[(b2 >> 2) & 3] ?? 0
    if (!bitrate || !rate) throw new Error(`bad MP3 frame header at byte ${at}`)
    const length =
      Math.floor(((version === 3 ? 144 : 72) * bitrate * 1000) / rate) + ((b2 >> 1) & 1)
    sampleRate = rate
    at += length
    frames++
  }
  if (at !== bytes.length) throw new Error(`MP3 ends mid-frame (${at} vs ${bytes.length})`)
  return { frames, sampleRate }
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let r = i << 24
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1
    t[i] = r >>> 0
  }
  return t
})()

function oggCrc(page: Uint8Array): number {
  let crc = 0
  for (let i = 0; i < page.length; i++) {
    const byte = i >= 22 && i < 26 ? 0 : (page[i] ?? 0)
    crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] ?? 0)) >>> 0
  }
  return crc
}

/** Walks Ogg pages checking CRCs; returns page count, whether it is Opus, and the EOS flag. */
export function oggOpusPages(bytes: Uint8Array): { pages: number; opus: boolean; eos: boolean } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let at = 0
  let pages = 0
  let opus = false
  let eos = false
  let tags = false
  while (at < bytes.length) {
    if (String.fromCharCode(...bytes.subarray(at, at + 4)) !== 'OggS')
      throw new Error(`no Ogg page at byte ${at}`)
    const segments = bytes[at + 26] ?? 0
    let body = 0
    for (let i = 0; i < segments; i++) body += bytes[at + 27 + i] ?? 0
    const length = 27 + segments + body
    const page = bytes.subarray(at, at + length)
    if (page.length !== length) throw new Error('Ogg page cut short')
    if (oggCrc(page) !== view.getUint32(at + 22, true))
      throw new Error(`bad Ogg CRC on page ${pages}`)
    const payload = String.fromCharCode(...page.subarray(27 + segments, 27 + segments + 8))
    if (pages === 0) opus = payload === 'OpusHead'
    if (pages === 1) tags = payload === 'OpusTags'
    eos = ((bytes[at + 5] ?? 0) & 4) !== 0
    at += length
    pages++
  }
  return { pages, opus: opus && tags, eos }
}
