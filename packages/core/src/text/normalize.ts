/**
 * @module text/normalize — one spelling per utterance, for cache keys: the same words typed
 * with composed or decomposed accents, or with different spacing, must hit the same entry.
 */

/**
 * What is never spoken and only breaks a speech engine: control characters (but whitespace,
 * which separates words and becomes a space below), unpaired surrogates, noncharacters, and the invisible bidi overrides
 * and isolates. A NUL ends espeak-ng's input early; a lone surrogate is not text at all.
 */
const UNSPOKEN = /(?!\s)[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069\uFDD0-\uFDEF\uFFFE\uFFFF]/gu

/**
 * Unicode NFC, every run of whitespace (including no-break and ideographic spaces, tabs and
 * newlines) made one space, characters that are never spoken (controls, unpaired surrogates,
 * noncharacters, bidi overrides) removed, and the ends trimmed. Nothing that is spoken
 * changes: no case folding, no punctuation or character substitutions.
 *
 * @example
 * normalizeText('  Cafe\u0301\n\n au\u0000   lait ') // 'Café au lait'
 */
export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(UNSPOKEN, '').replace(/\s+/g, ' ').trim()
}
