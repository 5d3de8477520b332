/**
 * @module wav — the 44-byte header of a 16-bit PCM WAV file and a whole file from samples.
 * Kept here only until `@tts/core/audio` (`wavHeader`, `writeWav`) lands; then this goes.
 */

/** Bytes in a canonical PCM WAV header. */
export const WAV_HEADER_BYTES = 44

/**
 * A canonical 44-byte 16-bit PCM header. `dataBytes: 0` writes the zero sizes of a stream
 * whose length is not known yet, as XTTS's `/tts_stream` does.
 *
 * @example
 * const header = pcm16WavHeader({ sampleRate: 24_000, channels: 1, dataBytes: 0 })
 */
export function pcm16WavHeader(options: {
  sampleRate: number
  channels?: number
  dataBytes: number
}): Uint8Array {
  const channels = options.channels ?? 1
  const header = new Uint8Array(WAV_HEADER_BYTES)
  const view = new DataView(header.buffer)
  const ascii = (at: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(at + i, text.charCodeAt(i))
  }
  ascii(0, 'RIFF')
  view.setUint32(4, options.dataBytes === 0 ? 0 : 36 + options.dataBytes, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  view.setUint32(16, 16, true)
  view.setUint16(20, 1, true)
  view.setUint16(22, channels, true)
  view.setUint32(24, options.sampleRate, true)
  view.setUint32(28, options.sampleRate * channels * 2, true)
  view.setUint16(32, channels * 2, true)
  view.setUint16(34, 16, true)
  ascii(36, 'data')
  view.setUint32(40, options.dataBytes, true)
  return header
}

/**
 * Little-endian bytes of 16-bit samples (WAV and raw `pcm` are little-endian on every host).
 *
 * @example
 * const body = pcm16Bytes(new Int16Array([0, 1000, -1000]))
 */
export function pcm16Bytes(pcm: Int16Array): Uint8Array {
  const bytes = new Uint8Array(pcm.length * 2)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i] ?? 0, true)
  return bytes
}

/**
 * A complete mono 16-bit WAV file.
 *
 * @example
 * const wav = pcm16Wav(pcm, 24_000)
 */
export function pcm16Wav(pcm: Int16Array, sampleRate: number): Uint8Array {
  const wav = new Uint8Array(WAV_HEADER_BYTES + pcm.length * 2)
  wav.set(pcm16WavHeader({ sampleRate, dataBytes: pcm.length * 2 }), 0)
  wav.set(pcm16Bytes(pcm), WAV_HEADER_BYTES)
  return wav
}
