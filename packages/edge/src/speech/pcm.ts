/**
 * @module speech/pcm — the speech path's one PCM representation: `Int16Array` samples from
 * the upstream to the encoder. Bytes appear only at the cache's edge (a stored segment is
 * little-endian s16), and there as views of the same memory, not copies: Workers run
 * little-endian, as s16le is.
 */

/**
 * The samples' memory as s16le bytes (a view, no copy).
 *
 * @example
 * await cache.put(key, pcmBytes(pcm), meta)
 */
export function pcmBytes(pcm: Int16Array): Uint8Array {
  return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength)
}

/**
 * s16le bytes as samples: a view when aligned, else one copy (an odd offset cannot be viewed).
 *
 * @example
 * encoder.push(bytesPcm(found.bytes))
 */
export function bytesPcm(bytes: Uint8Array): Int16Array {
  const length = bytes.byteLength >> 1
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, length)
  return new Int16Array(bytes.slice(0, length * 2).buffer)
}

/**
 * One array of all `parts` (a sentence's chunks, joined once for its validation and entry).
 *
 * @example
 * const sentence = joinPcm(chunks)
 */
export function joinPcm(parts: readonly Int16Array[]): Int16Array {
  if (parts.length === 1 && parts[0]) return parts[0]
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
