/**
 * @module @tts/core/bytes — joining byte arrays, base64 and hex, the one copy the edge, the SDK,
 * the CLI and the apps share. Over `atob`/`btoa`, which every runtime we target has
 * (`Uint8Array.fromBase64` and `toHex` are not yet everywhere: Node 24 and workerd lack them).
 */

/**
 * Decodes standard or URL-safe base64 (padding and white space optional); `undefined` when the
 * text is not base64, so the caller decides which error to raise.
 *
 * @example
 * decodeBase64('AQID') // Uint8Array [1, 2, 3]
 * decodeBase64('not base64!') // undefined
 */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  const compact = text.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.length % 4 === 1) return undefined
  const standard = compact.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '')
  try {
    const binary = atob(standard.padEnd(Math.ceil(standard.length / 4) * 4, '='))
    const out = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i)
    return out
  } catch {
    return undefined
  }
}

// btoa takes a "binary string"; building it in slices keeps String.fromCharCode's argument
// count far below every engine's limit while avoiding one string concatenation per byte.
const BASE64_SLICE = 0x8000

/**
 * Encodes bytes as standard, padded base64.
 *
 * @example
 * encodeBase64(new Uint8Array([1, 2, 3])) // 'AQID'
 */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let at = 0; at < bytes.length; at += BASE64_SLICE) {
    binary += String.fromCharCode(...bytes.subarray(at, at + BASE64_SLICE))
  }
  return btoa(binary)
}

/**
 * Lower-case hex of the bytes, two characters a byte.
 *
 * @example
 * toHex(new Uint8Array([0, 255])) // '00ff'
 */
export function toHex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}

/**
 * The bytes of `parts` end to end, in a fresh `ArrayBuffer`-backed array (always a copy, so the
 * caller may reuse the parts' buffers).
 *
 * @example
 * concatBytes([wavHeader(format), body]) // one WAV file
 */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  let length = 0
  for (const part of parts) length += part.byteLength
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.byteLength
  }
  return out
}
