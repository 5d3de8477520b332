/**
 * @module audio/wav — RIFF/WAVE parsing over `DataView` (writing is `wav-write.ts`). Our own code because the
 * common pure-JS parser, wavefile, takes the data chunk's declared size as it is (its
 * `riff-file.js`): the 0 of a streamed XTTS header gives no samples, 0xFFFFFFFF runs past the
 * buffer, and a file cut short is not reported — the three cases the edge must get right. The
 * format needs ~150 lines here.
 */
import { AudioError } from './errors.ts'
import { assertFormat, durationMs, type PcmAudio, type SampleEncoding } from './format.ts'

/** What `parseWav` returns. `data` is a view into the input bytes, not a copy. */
export interface ParsedWav extends PcmAudio {
  bitsPerSample: 16 | 32
  /** Duration of the whole frames in `data`. */
  durationMs: number
  /** True when the header carried placeholder sizes (0 or 0xFFFFFFFF), as a stream's does. */
  streamed: boolean
}

const FORMAT_PCM = 1
const FORMAT_FLOAT = 3
const FORMAT_EXTENSIBLE = 0xfffe
/** Writers that cannot seek back put one of these where a size belongs. */
const isPlaceholderSize = (n: number): boolean => n === 0 || n === 0xffffffff

function fourCC(view: DataView, at: number): string {
  return String.fromCharCode(
    view.getUint8(at),
    view.getUint8(at + 1),
    view.getUint8(at + 2),
    view.getUint8(at + 3),
  )
}

interface FmtChunk {
  encoding: SampleEncoding
  bitsPerSample: 16 | 32
  sampleRate: number
  channels: number
}

function readFmt(view: DataView, at: number, size: number): FmtChunk {
  if (size < 16) {
    throw new AudioError('malformed', `fmt chunk is ${size} bytes; it needs at least 16`)
  }
  let tag = view.getUint16(at, true)
  const channels = view.getUint16(at + 2, true)
  const sampleRate = view.getUint32(at + 4, true)
  const blockAlign = view.getUint16(at + 12, true)
  const bits = view.getUint16(at + 14, true)
  // WAVE_FORMAT_EXTENSIBLE keeps the real format tag in the first 2 bytes of its sub-format GUID.
  if (tag === FORMAT_EXTENSIBLE) {
    if (size < 40) {
      throw new AudioError('malformed', `extensible fmt chunk is ${size} bytes; it needs 40`)
    }
    tag = view.getUint16(at + 24, true)
  }
  let encoding: SampleEncoding
  if (tag === FORMAT_PCM && bits === 16) encoding = 'pcm16'
  else if (tag === FORMAT_FLOAT && bits === 32) encoding = 'float32'
  else {
    throw new AudioError(
      'unsupported_format',
      `WAV format tag ${tag} with ${bits}-bit samples is not supported; allowed: 16-bit PCM (tag 1) or 32-bit float (tag 3)`,
      { formatTag: tag, bitsPerSample: bits },
    )
  }
  const format = { sampleRate, channels, encoding }
  assertFormat(format)
  const expectedAlign = (channels * bits) / 8
  if (blockAlign !== expectedAlign) {
    throw new AudioError(
      'malformed',
      `fmt block align is ${blockAlign}; ${channels} channel(s) of ${bits}-bit samples need ${expectedAlign}`,
    )
  }
  return { ...format, bitsPerSample: bits }
}

/**
 * Parses a RIFF/WAVE file of 16-bit PCM or 32-bit float samples. Chunks may come in any order;
 * chunks other than `fmt ` and `data` (LIST, fact, ...) are skipped; odd-sized chunks are
 * followed by a pad byte. When the data size is a placeholder (0 or 0xFFFFFFFF, as in a
 * streamed header) the data runs to the end of `bytes`.
 *
 * @throws AudioError (`invalid_audio`) when the bytes are not such a WAV, or are cut short.
 * @example
 * const wav = parseWav(new Uint8Array(await res.arrayBuffer()))
 * wav.sampleRate // 24000
 */
export function parseWav(bytes: Uint8Array): ParsedWav {
  if (!(bytes instanceof Uint8Array)) {
    throw new AudioError('invalid_argument', 'parseWav needs a Uint8Array')
  }
  if (bytes.byteLength < 12) {
    throw new AudioError(
      bytes.byteLength === 0 ? 'empty' : 'truncated',
      `WAV is ${bytes.byteLength} bytes; a RIFF/WAVE header needs at least 12`,
    )
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (fourCC(view, 0) !== 'RIFF' || fourCC(view, 8) !== 'WAVE') {
    throw new AudioError(
      'not_wav',
      `not a WAV file: it starts with ${JSON.stringify(fourCC(view, 0))}…${JSON.stringify(fourCC(view, 8))}, expected "RIFF"…"WAVE"`,
    )
  }
  const riffSize = view.getUint32(4, true)
  let streamed = isPlaceholderSize(riffSize)
  // A RIFF size past the end means a cut file; the data chunk check below reports it precisely.
  const end = streamed ? bytes.byteLength : Math.min(bytes.byteLength, 8 + riffSize)

  let fmt: FmtChunk | undefined
  let data: Uint8Array | undefined
  let at = 12
  while (at + 8 <= end) {
    const id = fourCC(view, at)
    const size = view.getUint32(at + 4, true)
    const body = at + 8
    if (id === 'data') {
      if (isPlaceholderSize(size)) {
        // A stream's RIFF size cannot be trusted either: XTTS's says 36 (a file of no frames)
        // and its audio follows all the same, so the data runs to the end of the bytes.
        streamed = true
        data = bytes.subarray(body)
        break
      }
      if (body + size > end) {
        throw new AudioError(
          'truncated',
          `WAV data chunk declares ${size} bytes but only ${end - body} follow: the file was cut short`,
          { declared: size, present: end - body },
        )
      }
      data = bytes.subarray(body, body + size)
    } else {
      if (body + size > end) {
        throw new AudioError(
          'truncated',
          `WAV ${JSON.stringify(id)} chunk declares ${size} bytes but only ${end - body} follow`,
          { chunk: id, declared: size, present: end - body },
        )
      }
      if (id === 'fmt ') fmt = readFmt(view, body, size)
    }
    at = body + size + (size % 2)
  }
  if (!fmt) throw new AudioError('malformed', 'WAV has no fmt chunk before its audio data')
  if (!data) throw new AudioError('malformed', 'WAV has no data chunk')
  const audio = {
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    encoding: fmt.encoding,
    data,
  }
  return { ...audio, bitsPerSample: fmt.bitsPerSample, durationMs: durationMs(audio), streamed }
}
