/**
 * @module edge/complete — a streamed answer made whole: its chunks joined, a streamed WAV
 * header's "until the end" sizes replaced by the real ones, and the result checked, so only
 * complete, valid audio is returned or cached.
 */
import { parseWav } from '@tts/core/audio'
import { EdgeUnavailableError } from '../errors/index.ts'

/**
 * Reads `body` to its end; rejects as the stream does (e.g. `StreamInterruptedError`).
 *
 * @example
 * const chunks = await readAll(stream.body)
 */
export async function readAll(body: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = []
  const reader = body.getReader()
  for (;;) {
    const r = await reader.read()
    if (r.done) return chunks
    chunks.push(r.value)
  }
}

/**
 * The chunks of one answer as one checked file: WAV with exact sizes and whole frames, PCM of
 * whole 16-bit samples, or any other audio not empty. Throws `EdgeUnavailableError`
 * (`invalid_audio`) otherwise.
 *
 * @example
 * const wav = completeAudio(chunks, 'audio/wav')
 */
export function completeAudio(chunks: readonly Uint8Array[], mimeType: string): Uint8Array {
  const size = chunks.reduce((n, c) => n + c.byteLength, 0)
  const audio = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    audio.set(c, at)
    at += c.byteLength
  }
  const bad = (why: string) =>
    new EdgeUnavailableError('invalid_audio', `the edge's ${mimeType} answer is ${why}`)
  if (size === 0) throw bad('empty')
  if (mimeType === 'audio/wav') {
    const view = new DataView(audio.buffer)
    // The edge's (and OpenAI's) streamed header is the canonical 44 bytes: `data` at 36.
    if (size >= 44 && view.getUint32(36, false) === 0x64617461) {
      view.setUint32(4, size - 8, true)
      view.setUint32(40, size - 44, true)
    }
    try {
      const wav = parseWav(audio)
      const frame = wav.channels * (wav.encoding === 'pcm16' ? 2 : 4)
      if (wav.data.byteLength === 0 || wav.data.byteLength % frame !== 0) throw bad('cut mid-frame')
    } catch (error) {
      throw error instanceof EdgeUnavailableError ? error : bad(`not valid WAV (${String(error)})`)
    }
  } else if ((mimeType === 'audio/pcm' || mimeType === 'audio/L16') && size % 2 !== 0) {
    throw bad('cut mid-sample')
  }
  return audio
}
