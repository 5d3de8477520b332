/**
 * @module upstream/wav-stream — reads a WAV body as it streams in and yields 16-bit PCM.
 * Our own because core's `parseWav` needs the whole file: XTTS streams a header whose sizes
 * are 0 (or 0xFFFFFFFF) and then audio for seconds, and we pass audio on as it arrives.
 * Handles any chunk order before `data`, 16-bit PCM and 32-bit float.
 */
import { toPcm16 } from '@tts/core/audio'
import { concatBytes } from '@tts/core/bytes'
import { isTtsError } from '@tts/core/errors'
import { UpstreamError } from './errors.ts'

/** The audio format read from a WAV header. */
export interface PcmFormat {
  sampleRate: number
  channels: number
}

/** A WAV stream being read: its format, then its samples. */
export interface PcmStream extends PcmFormat {
  chunks: AsyncIterable<Int16Array>
}

const MAX_HEADER_BYTES = 64 * 1024

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(
    bytes[at] ?? 0,
    bytes[at + 1] ?? 0,
    bytes[at + 2] ?? 0,
    bytes[at + 3] ?? 0,
  )
}

interface Header extends PcmFormat {
  float: boolean
  dataOffset: number
  dataBytes: number | undefined
}

function parseHeader(bytes: Uint8Array): Header | 'more' {
  if (bytes.length < 12) return 'more'
  if (ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') {
    throw new UpstreamError(
      'upstream_invalid_audio',
      'the upstream answered with something that is not WAV audio',
    )
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let at = 12
  let fmt: { rate: number; channels: number; bits: number; tag: number } | undefined
  while (at + 8 <= bytes.length) {
    const id = ascii(bytes, at)
    const size = view.getUint32(at + 4, true)
    if (id === 'data') {
      if (!fmt)
        throw new UpstreamError(
          'upstream_invalid_audio',
          'the upstream WAV has no fmt chunk before its data',
        )
      const float = fmt.tag === 3 || (fmt.tag === 0xfffe && fmt.bits === 32)
      if (!(fmt.bits === 16 && !float) && !(fmt.bits === 32 && float)) {
        throw new UpstreamError(
          'upstream_invalid_audio',
          `unsupported upstream WAV encoding (${fmt.bits}-bit, tag ${fmt.tag})`,
        )
      }
      const unknown = size === 0 || size === 0xffffffff
      return {
        sampleRate: fmt.rate,
        channels: fmt.channels,
        float,
        dataOffset: at + 8,
        dataBytes: unknown ? undefined : size,
      }
    }
    if (at + 8 + size > bytes.length) return 'more'
    if (id === 'fmt ') {
      fmt = {
        tag: view.getUint16(at + 8, true),
        channels: view.getUint16(at + 10, true),
        rate: view.getUint32(at + 12, true),
        bits: view.getUint16(at + 22, true),
      }
      if (fmt.channels < 1 || fmt.rate < 8000) {
        throw new UpstreamError(
          'upstream_invalid_audio',
          'the upstream WAV header is not plausible',
        )
      }
    }
    at += 8 + size + (size % 2)
  }
  return 'more'
}

/**
 * Reads the WAV header from `body` (waiting for the first bytes) and returns the format and an
 * iterator over 16-bit samples. The iterator throws `UpstreamError('upstream_truncated')` when
 * the body ends before a declared data size, or in the middle of a sample.
 *
 * @example
 * const { sampleRate, chunks } = await readWavStream(response.body)
 * for await (const pcm of chunks) encoder.push(pcm)
 */
export async function readWavStream(body: ReadableStream<Uint8Array>): Promise<PcmStream> {
  const reader = body.getReader()
  let inHeader = true
  // A connection that drops mid-body is an upstream failure, not one of ours.
  const read = async () => {
    try {
      return await reader.read()
    } catch (cause) {
      if (isTtsError(cause)) throw cause
      throw inHeader
        ? new UpstreamError(
            'upstream_invalid_audio',
            'the upstream connection dropped before any audio',
            { cause },
          )
        : new UpstreamError(
            'upstream_truncated',
            'the upstream connection dropped in the middle of the audio',
            { cause },
          )
    }
  }
  let buffered: Uint8Array = new Uint8Array(0)
  let header: Header | undefined
  try {
    while (!header) {
      const { done, value } = await read()
      if (done) {
        throw new UpstreamError(
          'upstream_invalid_audio',
          buffered.length === 0
            ? 'the upstream answered with no audio'
            : 'the upstream audio ended inside its WAV header',
        )
      }
      buffered = concat(buffered, value)
      const parsed = parseHeader(buffered)
      if (parsed !== 'more') header = parsed
      else if (buffered.length > MAX_HEADER_BYTES)
        throw new UpstreamError('upstream_invalid_audio', 'the upstream WAV header is too large')
    }
  } catch (error) {
    // Nobody will read the rest: free the connection now.
    reader.releaseLock()
    await body.cancel().catch(() => {})
    throw error
  }
  const h = header
  inHeader = false
  const unit = h.float ? 4 : 2
  const frame = unit * h.channels
  async function* chunks(): AsyncGenerator<Int16Array> {
    let pending: Uint8Array = buffered.subarray(h.dataOffset)
    let received = 0
    try {
      for (;;) {
        if (h.dataBytes !== undefined && received + pending.length >= h.dataBytes) {
          pending = pending.subarray(0, h.dataBytes - received)
        }
        const whole = pending.length - (pending.length % frame)
        if (whole > 0) {
          received += whole
          yield toPcm16({
            sampleRate: h.sampleRate,
            channels: h.channels,
            encoding: h.float ? 'float32' : 'pcm16',
            data: pending.subarray(0, whole),
          })
          pending = pending.subarray(whole)
        }
        if (h.dataBytes !== undefined && received >= h.dataBytes) return
        const { done, value } = await read()
        if (done) break
        pending = concat(pending, value)
      }
      if (pending.length > 0 || (h.dataBytes !== undefined && received < h.dataBytes)) {
        throw new UpstreamError('upstream_truncated', 'the upstream audio stream ended early')
      }
    } finally {
      reader.releaseLock()
      await body.cancel().catch(() => {})
    }
  }
  return { sampleRate: h.sampleRate, channels: h.channels, chunks: chunks() }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.length === 0 ? b : concatBytes([a, b])
}
