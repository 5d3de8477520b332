/**
 * @module upstream/pcm — the edge's one PCM representation: `Int16Array` samples from
 * the upstream to the encoder. Bytes appear only at the cache's edge (a stored segment is
 * little-endian s16) and on the pool's RPC stream, and there as views of the same memory:
 * Workers run little-endian, as s16le is. Core's `pcm16ToBytes`/`pcm16FromBytes` copy by
 * contract (their callers may reuse buffers); these views are for the path that never does.
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
