import { describe, expect, it } from 'vitest'
import { createOggOpusEncoder } from './ogg-opus.ts'
import { loadOpus, type OpusExports } from './opus-wasm.ts'
import { speechLike } from './speech-like.ts'

// An Ogg reader written apart from ogg.ts (bit-by-bit CRC, its own page walk), so the muxer
// is checked against the specification rather than against itself.
function crcBitwise(bytes: Uint8Array): number {
  let crc = 0
  for (const byte of bytes) {
    crc ^= byte << 24
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x80000000 ? ((crc << 1) ^ 0x04c11db7) >>> 0 : (crc << 1) >>> 0
    }
  }
  return crc >>> 0
}

interface Page {
  flags: number
  granule: bigint
  serial: number
  sequence: number
  lacing: number[]
  body: Uint8Array
}

function readOgg(file: Uint8Array): { pages: Page[]; packets: Uint8Array[] } {
  const pages: Page[] = []
  const packets: Uint8Array[] = []
  let partial: number[] = []
  let at = 0
  while (at < file.length) {
    const view = new DataView(file.buffer, file.byteOffset + at)
    expect(String.fromCharCode(...file.subarray(at, at + 4))).toBe('OggS')
    expect(view.getUint8(4)).toBe(0)
    const count = view.getUint8(26)
    const lacing = Array.from(file.subarray(at + 27, at + 27 + count))
    const bodyLength = lacing.reduce((a, b) => a + b, 0)
    const end = at + 27 + count + bodyLength
    expect(end).toBeLessThanOrEqual(file.length)
    const raw = file.slice(at, end)
    const stored = new DataView(raw.buffer).getUint32(22, true)
    raw.fill(0, 22, 26)
    expect(crcBitwise(raw), `CRC of page ${pages.length}`).toBe(stored)
    const body = file.subarray(at + 27 + count, end)
    let offset = 0
    for (const value of lacing) {
      partial.push(...body.subarray(offset, offset + value))
      offset += value
      if (value < 255) {
        packets.push(Uint8Array.from(partial))
        partial = []
      }
    }
    pages.push({
      flags: view.getUint8(5),
      granule: view.getBigUint64(6, true),
      serial: view.getUint32(14, true),
      sequence: view.getUint32(18, true),
      lacing,
      body,
    })
    at = end
  }
  expect(partial).toEqual([])
  return { pages, packets }
}

function checkOggOpus(file: Uint8Array, samples: number, sampleRate: number, channels = 1) {
  const { pages, packets } = readOgg(file)
  const [first, second] = pages
  if (!first || !second) throw new Error('fewer than two pages')
  // Header pages: OpusHead alone on a BOS page, then OpusTags alone, both at granule 0.
  expect(first.flags).toBe(0x02)
  expect(first.lacing).toEqual([19])
  const head = new DataView(first.body.buffer, first.body.byteOffset, first.body.byteLength)
  expect(new TextDecoder().decode(first.body.subarray(0, 8))).toBe('OpusHead')
  expect(head.getUint8(8)).toBe(1)
  expect(head.getUint8(9)).toBe(channels)
  const preSkip = head.getUint16(10, true)
  expect(head.getUint32(12, true)).toBe(sampleRate)
  expect(head.getInt16(16, true)).toBe(0)
  expect(head.getUint8(18)).toBe(0)
  expect(second.flags).toBe(0)
  expect(second.granule).toBe(0n)
  const tags = packets[1] ?? new Uint8Array(0)
  const tagView = new DataView(tags.buffer, tags.byteOffset, tags.byteLength)
  expect(new TextDecoder().decode(tags.subarray(0, 8))).toBe('OpusTags')
  const vendorLength = tagView.getUint32(8, true)
  expect(new TextDecoder().decode(tags.subarray(12, 12 + vendorLength))).toMatch(/opus/i)
  expect(tagView.getUint32(12 + vendorLength, true)).toBe(0)
  expect(12 + vendorLength + 4).toBe(tags.length)
  // Pages: one serial, consecutive numbers, no flags but EOS on the last, granules rising.
  pages.forEach((p, i) => {
    expect(p.serial).toBe(first.serial)
    expect(p.sequence).toBe(i)
    expect(p.lacing.length).toBeLessThanOrEqual(255)
    if (i > 0) expect(p.flags).toBe(i === pages.length - 1 ? 0x04 : 0)
    if (i > 2) expect(p.granule).toBeGreaterThan(pages[i - 1]?.granule ?? 0n)
  })
  const last = pages[pages.length - 1] as Page
  expect(last.granule).toBe(BigInt((samples * 48000) / sampleRate + preSkip))
  return { preSkip, audioPackets: packets.slice(2), pages }
}

// libopus's own decoder (same wasm, independent of our muxer) at 48 kHz.
function decodeAll(opus: OpusExports, packets: Uint8Array[]): Int16Array {
  const state = opus.malloc(opus.opus_decoder_get_size(1))
  const data = opus.malloc(4000)
  const pcm = opus.malloc(5760 * 2)
  try {
    expect(opus.opus_decoder_init(state, 48000, 1)).toBe(0)
    const chunks: Int16Array[] = []
    for (const packet of packets) {
      new Uint8Array(opus.memory.buffer, data, packet.length).set(packet)
      const n = opus.opus_decode(state, data, packet.length, pcm, 5760, 0)
      expect(n).toBe(960) // every packet is one 20 ms frame
      chunks.push(new Int16Array(opus.memory.buffer, pcm, n).slice())
    }
    const out = new Int16Array(chunks.length * 960)
    for (const [i, c] of chunks.entries()) out.set(c, i * 960)
    return out
  } finally {
    opus.free(pcm)
    opus.free(data)
    opus.free(state)
  }
}

function windowRms(pcm: Int16Array, window: number): number[] {
  const out: number[] = []
  for (let start = 0; start + window <= pcm.length; start += window) {
    let sum = 0
    for (let i = start; i < start + window; i++) sum += (pcm[i] ?? 0) ** 2
    out.push(Math.sqrt(sum / window))
  }
  return out
}

function correlation(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length)
  const mean = (x: number[]) => x.slice(0, n).reduce((s, v) => s + v, 0) / n
  const ma = mean(a)
  const mb = mean(b)
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < n; i++) {
    const x = (a[i] ?? 0) - ma
    const y = (b[i] ?? 0) - mb
    ab += x * y
    aa += x * x
    bb += y * y
  }
  return ab / Math.sqrt(aa * bb)
}

async function encodeWhole(pcm: Int16Array, sampleRate = 24000) {
  const enc = await createOggOpusEncoder({ sampleRate, channels: 1 })
  const a = enc.push(pcm)
  const b = enc.end()
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

describe('Ogg Opus encoder', () => {
  it('writes valid pages, headers and granules for 10 s of speech-like audio', async () => {
    const pcm = speechLike(10, 24000)
    const file = await encodeWhole(pcm)
    const { preSkip, audioPackets } = checkOggOpus(file, pcm.length, 24000)
    expect(preSkip).toBeGreaterThan(0) // the encoder's lookahead, in 48 kHz samples
    // 20 ms frames, enough of them to flush the lookahead and no more.
    expect(audioPackets.length).toBe(Math.ceil((pcm.length + preSkip / 2) / 480))
    const ratio = file.length / (44 + pcm.length * 2)
    expect(ratio).toBeGreaterThan(0.04)
    expect(ratio).toBeLessThan(0.1)
  })

  it('decodes back to the same duration, energy and envelope', async () => {
    const pcm = speechLike(6, 24000, 7)
    const file = await encodeWhole(pcm)
    const { preSkip, audioPackets, pages } = checkOggOpus(file, pcm.length, 24000)
    const decoded = decodeAll(await loadOpus(), audioPackets)
    const playable = Number((pages[pages.length - 1] as Page).granule) - preSkip
    expect(playable).toBe(pcm.length * 2)
    // Trim as a player would (pre-skip in front, granule at the end), then back to 24 kHz.
    const trimmed = decoded.subarray(preSkip, preSkip + playable)
    expect(trimmed.length).toBe(pcm.length * 2)
    const down = trimmed.filter((_, i) => i % 2 === 0)
    const rms = (x: Int16Array) => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / x.length)
    const energy = rms(down) / rms(pcm)
    expect(energy).toBeGreaterThan(0.8)
    expect(energy).toBeLessThan(1.2)
    // Same loudness contour in 50 ms windows: right timing, nothing dropped or shifted.
    expect(correlation(windowRms(down, 1200), windowRms(pcm, 1200))).toBeGreaterThan(0.97)
  })

  it('gives a valid file when fed in uneven pieces, the same as fed whole', async () => {
    const pcm = speechLike(3.3, 24000, 3)
    const enc = await createOggOpusEncoder({ sampleRate: 24000, channels: 1 })
    const parts: Uint8Array[] = []
    const sizes = [1, 479, 480, 481, 7000, 3, 12345]
    let at = 0
    for (let k = 0; at < pcm.length; k++) {
      const n = sizes[k % sizes.length] ?? 1
      parts.push(enc.push(pcm.subarray(at, at + n)))
      at += n
    }
    parts.push(enc.end())
    expect(parts[0]?.length).toBeGreaterThan(0) // header pages go out with the first bytes
    const file = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
    let offset = 0
    for (const p of parts) {
      file.set(p, offset)
      offset += p.length
    }
    const streamed = checkOggOpus(file, pcm.length, 24000)
    const whole = checkOggOpus(await encodeWhole(pcm), pcm.length, 24000)
    expect(streamed.audioPackets.length).toBe(whole.audioPackets.length)
  })

  it('handles an empty input, other Opus rates and stereo', async () => {
    checkOggOpus(await encodeWhole(new Int16Array(0)), 0, 24000)
    const pcm16k = speechLike(1.01, 16000)
    checkOggOpus(await encodeWhole(pcm16k, 16000), pcm16k.length, 16000)
    const mono = speechLike(1, 48000)
    const stereo = new Int16Array(mono.length * 2)
    mono.forEach((v, i) => {
      stereo[2 * i] = v
      stereo[2 * i + 1] = v >> 1
    })
    const enc = await createOggOpusEncoder({ sampleRate: 48000, channels: 2 })
    const file = new Uint8Array([...enc.push(stereo), ...enc.end()])
    checkOggOpus(file, mono.length, 48000, 2)
  })

  it('loads libopus once per isolate and frees every encoder it made', async () => {
    const [a, b] = await Promise.all([loadOpus(), loadOpus()])
    expect(a).toBe(b)
    const pcm = speechLike(0.5, 24000)
    await encodeWhole(pcm) // let the heap reach its working size first
    // Where a large block lands shows whether the heap got everything back: after a leak it
    // has to go above the leaked blocks.
    const probe = () => {
      const ptr = a.malloc(1 << 20)
      a.free(ptr)
      return ptr
    }
    const before = probe()
    for (let k = 0; k < 50; k++) {
      const enc = await createOggOpusEncoder({ sampleRate: 24000, channels: 1 })
      enc.push(pcm.subarray(0, 960))
      if (k % 2 === 0) enc.end()
      else enc.abort()
    }
    expect(probe()).toBeLessThanOrEqual(before)
  })

  it('refuses rates Opus cannot take and use after end', async () => {
    await expect(createOggOpusEncoder({ sampleRate: 22050, channels: 1 })).rejects.toThrow(
      /8000, 12000, 16000, 24000, 48000/,
    )
    await expect(createOggOpusEncoder({ sampleRate: 24000, channels: 3 })).rejects.toThrow(
      /1 or 2 channels/,
    )
    const enc = await createOggOpusEncoder({ sampleRate: 24000, channels: 1 })
    enc.end()
    expect(() => enc.push(new Int16Array(10))).toThrow(/after end/)
  })
})
