/**
 * @module ogg-opus — Ogg Opus (RFC 7845) from 16-bit PCM: libopus packets of 20 ms in Ogg
 * pages, with OpusHead, OpusTags, 48 kHz granule positions and end trimming, so a decoder
 * plays exactly the samples that went in.
 */

import { concatBytes } from '@tts/core/bytes'
import { checkPush, EncodeError } from './errors.ts'
import { createOggWriter, OGG_MAX_SEGMENTS, segmentCount } from './ogg.ts'
import { createOpusEncoder, loadOpus, OPUS_SAMPLE_RATES, type OpusEncoder } from './opus-wasm.ts'
import type { StreamingEncoder } from './streaming.ts'

/** Target bit rate: 24 kbit/s is transparent enough for speech at 7 % of a 24 kHz WAV. */
export const OPUS_BITRATE = 24_000
/** Frames are 20 ms: libopus's best trade of quality, overhead and latency for speech. */
const FRAME_MS = 20
/** Pages of at most 1 s keep seeking coarse-grained enough and pages small. */
const MAX_PACKETS_PER_PAGE = 50
const VENDOR = 'tts-edge (libopus via @evan/opus)'

function opusHead(channels: number, preSkip: number, inputSampleRate: number): Uint8Array {
  const head = new Uint8Array(19)
  const view = new DataView(head.buffer)
  head.set(new TextEncoder().encode('OpusHead'))
  view.setUint8(8, 1) // version
  view.setUint8(9, channels)
  view.setUint16(10, preSkip, true)
  view.setUint32(12, inputSampleRate, true)
  view.setInt16(16, 0, true) // output gain
  view.setUint8(18, 0) // mapping family 0: mono or stereo, no channel mapping table
  return head
}

function opusTags(): Uint8Array {
  const vendor = new TextEncoder().encode(VENDOR)
  const tags = new Uint8Array(8 + 4 + vendor.length + 4)
  const view = new DataView(tags.buffer)
  tags.set(new TextEncoder().encode('OpusTags'))
  view.setUint32(8, vendor.length, true)
  tags.set(vendor, 12)
  view.setUint32(12 + vendor.length, 0, true) // no user comments
  return tags
}

/**
 * A streaming Ogg Opus encoder for `sampleRate` (8, 12, 16, 24 or 48 kHz) and 1–2 channels.
 * The first bytes returned carry the two header pages; `end()` pads the last frame with
 * silence and writes the final page with the end-of-stream flag and the exact final granule.
 *
 * @throws EncodeError (`invalid_audio`) for a sample rate or channel count Opus cannot take.
 * @example
 * const enc = await createOggOpusEncoder({ sampleRate: 24000, channels: 1 })
 * const bytes = [enc.push(pcm), enc.end()]
 */
export async function createOggOpusEncoder(options: {
  sampleRate: number
  channels: number
}): Promise<StreamingEncoder> {
  const { sampleRate, channels } = options
  if (!OPUS_SAMPLE_RATES.includes(sampleRate)) {
    throw new EncodeError(
      'invalid_audio',
      `opus needs a sample rate of ${OPUS_SAMPLE_RATES.join(', ')} Hz, got ${sampleRate}`,
    )
  }
  if (channels !== 1 && channels !== 2) {
    throw new EncodeError('invalid_audio', `opus takes 1 or 2 channels, got ${channels}`)
  }
  const opus = await loadOpus()
  let encoder: OpusEncoder | undefined
  try {
    encoder = createOpusEncoder(opus, { sampleRate, channels, bitrate: OPUS_BITRATE })
  } catch (cause) {
    throw new EncodeError('encode_failed', 'could not start the Opus encoder', { cause })
  }
  const enc = encoder
  const frameSize = (sampleRate * FRAME_MS) / 1000
  const toGranule = 48000 / sampleRate // granules are always 48 kHz samples
  const preSkip = enc.lookahead * toGranule
  // Ogg's serial only tells streams apart in one file; randomness keeps chained files distinct.
  const ogg = createOggWriter(crypto.getRandomValues(new Uint32Array(1))[0] ?? 1)

  const frame = new Int16Array(frameSize * channels)
  let filled = 0 // samples (interleaved) in `frame`
  let inputFrames = 0 // sample frames taken from the caller
  let packetsOut = 0
  let headersSent = false
  let done = false
  const pending: Uint8Array[] = []

  const fail = (cause: unknown): never => {
    done = true
    enc.free()
    throw new EncodeError('encode_failed', 'the Opus encoder failed', { cause })
  }

  const encodeFrame = () => {
    try {
      pending.push(enc.encode(frame, frameSize))
    } catch (cause) {
      fail(cause)
    }
    packetsOut++
    filled = 0
  }

  const take = (pcm: Int16Array) => {
    let at = 0
    while (at < pcm.length) {
      const n = Math.min(frame.length - filled, pcm.length - at)
      frame.set(pcm.subarray(at, at + n), filled)
      filled += n
      at += n
      if (filled === frame.length) encodeFrame()
    }
  }

  // Pages of whole packets, ≤ 1 s and ≤ 255 lacing values each; the granule of a page is the
  // 48 kHz sample count at the end of its last packet, or `finalGranule` on the last page.
  const flush = (finalGranule?: bigint): Uint8Array<ArrayBuffer> => {
    const pages: Uint8Array[] = []
    if (!headersSent) {
      headersSent = true
      pages.push(ogg.page([opusHead(channels, preSkip, sampleRate)], 0n, { bos: true }))
      pages.push(ogg.page([opusTags()], 0n))
    }
    let packetEnd = packetsOut - pending.length
    while (pending.length > 0) {
      const group: Uint8Array[] = []
      let segments = 0
      while (
        pending.length > 0 &&
        group.length < MAX_PACKETS_PER_PAGE &&
        segments + segmentCount(pending[0]?.length ?? 0) <= OGG_MAX_SEGMENTS
      ) {
        const packet = pending.shift() as Uint8Array
        segments += segmentCount(packet.length)
        group.push(packet)
      }
      packetEnd += group.length
      const last = pending.length === 0 && finalGranule !== undefined
      const granule = last ? finalGranule : BigInt(packetEnd * frameSize * toGranule)
      pages.push(ogg.page(group, granule, { eos: last }))
    }
    return concatBytes(pages)
  }

  return {
    push(pcm) {
      checkPush(done, pcm, channels)
      inputFrames += pcm.length / channels
      take(pcm)
      return flush()
    },
    end() {
      if (done) throw new EncodeError('encode_failed', 'end() after end() or abort()')
      // libopus delays its output by `lookahead` samples: feed silence until every input
      // sample has come out, then trim the padding with the final granule position.
      const needed = Math.ceil((inputFrames + enc.lookahead) / frameSize)
      // (`needed` always exceeds the frames already sent, so the last page carries a packet.)
      while (packetsOut < needed || pending.length === 0) {
        frame.fill(0, filled)
        filled = frame.length
        encodeFrame()
      }
      done = true
      enc.free()
      return flush(BigInt(inputFrames * toGranule + preSkip))
    },
    abort() {
      if (done) return
      done = true
      enc.free()
    },
  }
}
