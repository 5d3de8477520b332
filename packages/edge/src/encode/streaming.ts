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
