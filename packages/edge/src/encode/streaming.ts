/**
 * @module encode/streaming — the shape every format's encoder has, so the route can send
 * bytes while PCM still arrives.
 */

/** A one-file encoder: `push` as samples arrive, then `end` once (or `abort`). */
export interface StreamingEncoder {
  /** Encoded bytes ready after taking `pcm` (interleaved samples; the result may be empty). */
  push(pcm: Int16Array): Uint8Array<ArrayBuffer>
  /** The rest of the file; the encoder is finished afterwards. */
  end(): Uint8Array<ArrayBuffer>
  /** Releases the encoder without finishing the file (e.g. the client went away). */
  abort(): void
}

/** The bytes of `parts`, joined. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
