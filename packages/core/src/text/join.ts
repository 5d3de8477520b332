/**
 * @module text/join — the rule that puts split text back together: pieces are joined with a
 * space, except next to Chinese or Japanese characters, which are written without spaces.
 */

/**
 * True for code points of scripts written without spaces between words: Han, Hiragana,
 * Katakana, Bopomofo, CJK punctuation and full-width forms. Hangul is not one: Korean uses spaces.
 */
export function isUnspaced(c: number): boolean {
  return (
    (c >= 0x2e80 && c <= 0x2fdf) || // CJK radicals, Kangxi radicals
    (c >= 0x3000 && c <= 0x30ff) || // CJK punctuation, Hiragana, Katakana
    (c >= 0x3100 && c <= 0x312f) || // Bopomofo
    (c >= 0x31a0 && c <= 0x31ff) || // Bopomofo ext., CJK strokes, Katakana ext.
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) || // CJK compatibility forms
    (c >= 0xff00 && c <= 0xff9f) || // full-width forms, half-width Katakana
    (c >= 0x20000 && c <= 0x3134f)
  )
}

/**
 * What goes between two adjacent pieces: nothing when the character on either side of the seam
 * is Chinese or Japanese, one space otherwise.
 *
 * @example
 * separator('東京。', '大阪') // ''
 * separator('Hello.', 'World') // ' '
 */
export function separator(left: string, right: string): '' | ' ' {
  return isUnspaced(codePointBefore(left, left.length)) || isUnspaced(right.codePointAt(0) ?? 0)
    ? ''
    : ' '
}

/** The code point that ends just before index `end` of `s` (0 at the start). */
export function codePointBefore(s: string, end: number): number {
  if (end <= 0) return 0
  const low = s.charCodeAt(end - 1)
  if (low >= 0xdc00 && low <= 0xdfff && end > 1) return s.codePointAt(end - 2) ?? low
  return low
}

/**
 * Joins the pieces of {@link splitForSynthesis} back into the normalised text: with a space
 * between pieces, or with nothing where the seam touches a Chinese or Japanese character.
 * Exact for every split, except where one word alone was longer than the limit and had to be
 * cut (its parts then come back space-separated).
 *
 * @example
 * joinPieces(['First sentence.', 'Second one.']) // 'First sentence. Second one.'
 * joinPieces(['今日は晴れ。', '明日は雨。']) // '今日は晴れ。明日は雨。'
 */
export function joinPieces(pieces: readonly string[]): string {
  let out = ''
  for (const piece of pieces) out = out === '' ? piece : out + separator(out, piece) + piece
  return out
}
