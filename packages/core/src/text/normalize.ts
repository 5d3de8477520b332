/**
 * @module text/normalize — one spelling per utterance, for cache keys: the same words typed
 * with composed or decomposed accents, or with different spacing, must hit the same entry.
 */

/**
 * Unicode NFC, every run of whitespace (including no-break and ideographic spaces, tabs and
 * newlines) made one space, and the ends trimmed. Nothing that is spoken changes: no case
 * folding, no punctuation or character substitutions.
 *
 * @example
 * normalizeText('  Cafe\u0301\n\n au   lait ') // 'Café au lait'
 */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim()
}
