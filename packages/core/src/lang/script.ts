/**
 * @module lang/script — which writing systems a text uses, and whether one of them names the
 * language on its own. Among XTTS's languages, Arabic script means `ar`, Devanagari `hi`,
 * Cyrillic `ru`, Hangul `ko`, Kana `ja`; Han alone is `zh-cn` or `ja`, and Latin is one of 11.
 *
 * Written here rather than with `\p{Script=…}` regexes: one pass over code points with range
 * checks is several times faster, and detection runs on every request.
 */

/** Letter counts per script group. Marks and digits are not counted. */
export interface ScriptCounts {
  latin: number
  cyrillic: number
  arabic: number
  devanagari: number
  hangul: number
  kana: number
  han: number
  other: number
}

/** A script group that decides the language, or Han, which needs the n-gram model. */
export type ScriptVerdict =
  | { kind: 'language'; language: 'ar' | 'hi' | 'ru' | 'ko' | 'ja'; share: number }
  | { kind: 'han'; share: number }
  | { kind: 'latin'; share: number }
  | { kind: 'none' }

/**
 * A CJK character carries about as much as a short Latin word, so CJK letters weigh more when
 * scripts are compared; otherwise "ImageProxy HTTPエラー" would be read as English.
 */
const CJK_WEIGHT = 2

/**
 * A non-Latin script wins once it holds this share of the (weighted) letters, even as a
 * minority: Latin brand names and acronyms sprinkle text in every language, while a
 * Japanese or Russian word inside English prose is rarer than one in four letters.
 */
export const NON_LATIN_SHARE = 0.25

/**
 * Counts letters per script group in `text`.
 *
 * @example
 * countScripts('ImageProxy HTTPエラー') // { latin: 14, kana: 3, ... }
 */
export function countScripts(text: string): ScriptCounts {
  const counts: ScriptCounts = {
    latin: 0,
    cyrillic: 0,
    arabic: 0,
    devanagari: 0,
    hangul: 0,
    kana: 0,
    han: 0,
    other: 0,
  }
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i)
    if (c < 0x80) {
      if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) counts.latin++
      continue
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00)
      i++
    }
    if (c < 0x250) {
      // Latin-1 and Latin Extended-A/B letters, minus × ÷ and the Latin-1 symbols.
      if (c >= 0xc0 && c !== 0xd7 && c !== 0xf7) counts.latin++
      else if (c === 0xaa || c === 0xb5 || c === 0xba) counts.latin++
    } else if (c >= 0x1e00 && c <= 0x1eff) counts.latin++
    else if ((c >= 0x400 && c <= 0x52f) || (c >= 0x1c80 && c <= 0x1c8f)) counts.cyrillic++
    else if ((c >= 0x620 && c <= 0x64a) || (c >= 0x66e && c <= 0x6d3) || (c >= 0x6fa && c <= 0x6ff))
      counts.arabic++
    else if ((c >= 0x750 && c <= 0x77f) || (c >= 0x8a0 && c <= 0x8c9)) counts.arabic++
    else if ((c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfefc)) counts.arabic++
    else if ((c >= 0x904 && c <= 0x939) || (c >= 0x958 && c <= 0x961) || (c >= 0x972 && c <= 0x97f))
      counts.devanagari++
    else if (c === 0x93d || c === 0x950) counts.devanagari++
    else if (c >= 0xac00 && c <= 0xd7a3) counts.hangul++
    else if ((c >= 0x1100 && c <= 0x11ff) || (c >= 0x3131 && c <= 0x318e)) counts.hangul++
    else if ((c >= 0x3041 && c <= 0x30ff && c !== 0x30fb) || (c >= 0x31f0 && c <= 0x31ff)) {
      // ー (U+30FC) and ゝゞ belong to Kana for our purpose: they only occur in Japanese.
      counts.kana++
    } else if (c >= 0xff66 && c <= 0xff9d) counts.kana++
    else if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || c === 0x3005)
      counts.han++
    else if ((c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3134f)) counts.han++
    else if (isOtherLetter(c)) counts.other++
  }
  return counts
}

/** Letters of scripts XTTS does not speak (Greek, Hebrew, Thai, ...): evidence against all. */
function isOtherLetter(c: number): boolean {
  return (
    (c >= 0x370 && c <= 0x3ff) ||
    (c >= 0x530 && c <= 0x5ff) ||
    (c >= 0x980 && c <= 0xdff) ||
    (c >= 0xe00 && c <= 0xfff) ||
    (c >= 0x10a0 && c <= 0x10ff)
  )
}

/**
 * Decides what the scripts in `text` say about its language.
 *
 * @example
 * scriptVerdict(countScripts('Привет, мир')) // { kind: 'language', language: 'ru', share: 1 }
 * scriptVerdict(countScripts('中华人民共和国')) // { kind: 'han', share: 1 }
 */
export function scriptVerdict(counts: ScriptCounts): ScriptVerdict {
  const { latin, cyrillic, arabic, devanagari, hangul, kana, han, other } = counts
  // Han joins Kana (Japanese) or Hangul (Korean hanja) when either is present.
  const ja = kana > 0 && kana >= hangul ? (kana + han) * CJK_WEIGHT : kana * CJK_WEIGHT
  const ko = hangul > 0 && hangul > kana ? (hangul + han) * CJK_WEIGHT : hangul * CJK_WEIGHT
  const hanOnly = kana === 0 && hangul === 0 ? han * CJK_WEIGHT : 0
  const total = latin + cyrillic + arabic + devanagari + other + (kana + hangul + han) * CJK_WEIGHT
  if (total === 0) return { kind: 'none' }

  let best: ScriptVerdict = { kind: 'none' }
  let bestWeight = 0
  const consider = (weight: number, verdict: (share: number) => ScriptVerdict): void => {
    if (weight > bestWeight) {
      bestWeight = weight
      best = verdict(weight / total)
    }
  }
  consider(ja, (share) => ({ kind: 'language', language: 'ja', share }))
  consider(ko, (share) => ({ kind: 'language', language: 'ko', share }))
  consider(hanOnly, (share) => ({ kind: 'han', share }))
  consider(arabic, (share) => ({ kind: 'language', language: 'ar', share }))
  consider(devanagari, (share) => ({ kind: 'language', language: 'hi', share }))
  consider(cyrillic, (share) => ({ kind: 'language', language: 'ru', share }))

  if (bestWeight > 0 && bestWeight / total >= NON_LATIN_SHARE) return best
  if (latin > 0) return { kind: 'latin', share: latin / total }
  return bestWeight > 0 ? best : { kind: 'none' }
}
