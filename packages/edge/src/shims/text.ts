/**
 * @module shims/text — TODO(core): replace with @tts/core/text once it lands.
 * Minimal stand-ins for `normalizeText` and `splitForSynthesis` with the agreed contract.
 */

/** NFC, whitespace collapsed, trimmed. */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim()
}

/** Sentences under `limit` characters; joined with ' ' they give back the normalised text. */
export function splitForSynthesis(text: string, _language: string, limit = 250): string[] {
  const normalised = normalizeText(text)
  if (normalised === '') return []
  const sentences = normalised.match(/[^.!?。！？]+(?:[.!?。！？]+|$)/g) ?? [normalised]
  const pieces: string[] = []
  for (const raw of sentences) {
    let sentence = raw.trim()
    while (sentence.length > limit) {
      const cut = sentence.lastIndexOf(' ', limit)
      const at = cut > 0 ? cut : limit
      pieces.push(sentence.slice(0, at).trim())
      sentence = sentence.slice(at).trim()
    }
    if (sentence !== '') pieces.push(sentence)
  }
  return pieces
}
