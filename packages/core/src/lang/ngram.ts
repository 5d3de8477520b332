/**
 * @module lang/ngram — the n-gram half of language detection: eld's algorithm and its large
 * n-gram set (Apache-2.0, Nito T.M.; it measured most accurate on short texts among eld, franc,
 * tinyld — see bench/lang.bench.ts), restricted to the 13 languages scripts cannot decide.
 *
 * Why not eld's runtime: eld-large is one 4.4 MB module that takes 1.1–1.6 s to evaluate (a
 * Worker must start in about 1 s) and is too large for workerd's module transport, and eld's own
 * subset export is broken. So bench/gen-ngrams.ts trims its data into `data/ngrams-*.gen.ts`,
 * imported here on first use only (~0.15 s to parse, 11 MB of heap), and the ~40 lines of
 * eld's scoring are ported below; they give the same answers as eld-large with
 * `setLanguageSubset` (the benchmark checks this on every snippet).
 */

/**
 * The model's languages, in eld's order (ties break towards the first, as in eld). The data
 * generator (bench/gen-ngrams.ts) numbers the languages by this list, so both read it here.
 */
export const MODEL_LANGUAGES = [
  'cs',
  'de',
  'en',
  'es',
  'fr',
  'hu',
  'it',
  'ja',
  'nl',
  'pl',
  'pt',
  'tr',
  'zh',
] as const
type ModelLanguage = (typeof MODEL_LANGUAGES)[number]

/** The XTTS languages written in Latin script, which only an n-gram model tells apart. */
export const LATIN_LANGUAGES = [
  'cs',
  'de',
  'en',
  'es',
  'fr',
  'hu',
  'it',
  'nl',
  'pl',
  'pt',
  'tr',
] as const
export type LatinLanguage = (typeof LATIN_LANGUAGES)[number]

/** What the n-gram model says: the best candidate and how far ahead of the next it is. */
export interface NgramGuess<L extends string> {
  language: L
  /** (best − runner-up) / best over eld's scaled scores, in 0..1. */
  margin: number
}

/**
 * The loaded model, kept compact (a Worker has 128 MB): each n-gram maps to one number,
 * `offset << 4 | count`, locating its (language << 8 | score) entries in `entries`.
 */
interface Table {
  index: Map<string, number>
  entries: Uint16Array
}

let table: Table | undefined
let loading: Promise<Table> | undefined

function parseChunks(chunks: readonly string[]): Table {
  const index = new Map<string, number>()
  const entries: number[] = []
  for (const chunk of chunks) {
    let start = 0
    while (start < chunk.length) {
      let end = chunk.indexOf('\n', start)
      if (end < 0) end = chunk.length
      const tab = chunk.indexOf('\t', start)
      const offset = entries.length
      let i = tab + 1
      while (i < end) {
        const language = chunk.charCodeAt(i) - 0x61
        let score = 0
        let c = chunk.charCodeAt(++i)
        while (i < end && c >= 0x30 && c <= 0x39) {
          score = score * 10 + (c - 0x30)
          c = chunk.charCodeAt(++i)
        }
        entries.push((language << 8) | score)
      }
      index.set(chunk.slice(start, tab), (offset << 4) | (entries.length - offset))
      start = end + 1
    }
  }
  return { index, entries: Uint16Array.from(entries) }
}

/**
 * Loads the n-gram data once (three modules, ~1.5 MB); later calls share the same promise.
 *
 * @example
 * await loadNgramModel()
 */
export function loadNgramModel(): Promise<void> {
  loading ??= Promise.all([
    import('./data/ngrams-0.gen.ts'),
    import('./data/ngrams-1.gen.ts'),
    import('./data/ngrams-2.gen.ts'),
  ]).then(
    (chunks) => {
      table = parseChunks(chunks.map((chunk) => chunk.default))
      return table
    },
    (error: unknown) => {
      // Let a later call try again (a chunk that failed to load in a browser).
      loading = undefined
      throw error
    },
  )
  return loading.then(() => undefined)
}

/** True once {@link loadNgramModel} has finished. */
export function isNgramModelLoaded(): boolean {
  return table !== undefined
}

/**
 * eld's word separator: runs of non-letters, except that an apostrophe ending the run stays
 * (l'homme). eld spells out the letter class of an older Unicode; `\p{L}` differs only in
 * letters none of our languages use.
 */
const SEPARATORS = /[^\p{L}]+(?<![\x27\x60\u2019])/gu

/**
 * eld encodes text as UTF-8 bytes, one character per byte, through this table (it avoids
 * invalid strings); the n-gram keys are written in it.
 */
const BYTE_CHARS = Array.from(
  '                                       \'                                                        `abcdefghijklmnopqrstuvwxyz     M2RJOP{ä>âüé_QáôëåõèïZû}à3ùÉYîí]|)ÿ~1VDT48FIK7WS/EB5;NCê*X=^:[Hò  ¢!(,ß øó    Uö6@ÀÁ <ýG-Añú    $Læ?0"#%&+ì9.ç µ                ',
)

function utf8Words(text: string): string[] {
  const words: string[] = []
  let word = ''
  let bytes = 0
  const put = (b: number) => {
    word += BYTE_CHARS[b] ?? ' '
  }
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i)
    if (c < 0x80) {
      if (c === 32) {
        if (word !== '') words.push(word)
        word = ''
        if (bytes > 350) break
      } else word += text[i]
      bytes++
    } else if (c < 0x800) {
      put(0xc0 | (c >> 6))
      put(0x80 | (c & 0x3f))
      bytes += 2
    } else if (c < 0xd800 || c >= 0xe000) {
      put(0xe0 | (c >> 12))
      put(0x80 | ((c >> 6) & 0x3f))
      put(0x80 | (c & 0x3f))
      bytes += 3
    } else {
      c = 0x10000 + (((c & 0x3ff) << 10) | (text.charCodeAt(++i) & 0x3ff))
      put(0xf0 | (c >> 18))
      put(0x80 | ((c >> 12) & 0x3f))
      put(0x80 | ((c >> 6) & 0x3f))
      put(0x80 | (c & 0x3f))
      bytes += 4
    }
    if (bytes > 380) break
  }
  if (word !== '') words.push(word)
  return words
}

/**
 * eld's n-grams: 4 bytes with a stride of 3, word starts and ends marked by a space. `dense`
 * takes every 4-byte window instead (stride 1): for a word or two whose stride-3 n-grams the
 * model does not know ("Zazaca"), the windows in between often are known.
 */
function ngrams(text: string, dense = false): Set<string> {
  const out = new Set<string>()
  const clean = text.slice(0, 1000).replace(SEPARATORS, ' ').trim().toLowerCase()
  const stride = dense ? 1 : 3
  for (const word of utf8Words(clean)) {
    const len = Math.min(word.length, 70)
    let j = 0
    for (; j + 4 < len; j += stride) out.add((j === 0 ? ' ' : '') + word.substring(j, j + 4))
    out.add(`${j === 0 ? ' ' : ''}${word.substring(len !== 3 ? len - 4 : 0)} `)
  }
  return out
}

/** eld subtracts this from every stored score to keep its data small. */
const BASE_SCORE = 53
/** eld's hand-picked scale for its 0..1 scores. */
const SCALE = 25

const maskOf = (languages: readonly ModelLanguage[]): number =>
  languages.reduce((m, l) => m | (1 << MODEL_LANGUAGES.indexOf(l)), 0)
/** `ngramScores` masks: the Latin-script languages; Chinese and Japanese. */
export const LATIN_MASK = maskOf(LATIN_LANGUAGES)
export const HAN_MASK = maskOf(['zh', 'ja'])

/**
 * eld's raw score of each model language (by `MODEL_LANGUAGES` index) outside `mask` zeroed,
 * and the number of distinct n-grams in `text`. Requires the model loaded.
 */
export function ngramScores(
  text: string,
  mask: number,
  dense = false,
): { scores: Float64Array; grams: number } {
  if (table === undefined) throw new Error('n-gram model not loaded')
  const scores = new Float64Array(MODEL_LANGUAGES.length)
  const grams = ngrams(text, dense)
  const { index, entries } = table
  for (const gram of grams) {
    const at = index.get(gram)
    if (at === undefined) continue
    for (let i = at >> 4, end = i + (at & 15); i < end; i++) {
      const entry = entries[i] as number
      const language = entry >> 8
      if (mask & (1 << language)) {
        scores[language] = (scores[language] as number) + (entry & 255) + BASE_SCORE
      }
    }
  }
  return { scores, grams: grams.size }
}

/** eld's 0..1 score for a raw score over `grams` n-grams. */
export const scaledScore = (score: number, grams: number): number =>
  score / grams / (score / grams + SCALE)

/** The best of the languages in `mask` (bit i is MODEL_LANGUAGES[i]), as eld ranks them. */
function guess<L extends ModelLanguage>(text: string, mask: number): NgramGuess<L> | undefined {
  const { scores, grams } = ngramScores(text, mask)
  let best = -1
  let bestScore = 0
  let second = 0
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i] as number
    if (score > bestScore) {
      second = bestScore
      bestScore = score
      best = i
    } else if (score > second) second = score
  }
  if (best < 0) return undefined
  const top = scaledScore(bestScore, grams)
  return {
    language: MODEL_LANGUAGES[best] as L,
    margin: (top - scaledScore(second, grams)) / top,
  }
}

/**
 * Best Latin-script XTTS language for `text`, or `undefined` when no n-gram matched.
 * Requires {@link loadNgramModel} to have finished.
 */
export function guessLatin(text: string): NgramGuess<LatinLanguage> | undefined {
  return guess(text, LATIN_MASK)
}

/** `zh` or `ja` for text written in Han characters only. Requires the model loaded. */
export function guessHan(text: string): NgramGuess<'zh' | 'ja'> | undefined {
  return guess(text, HAN_MASK)
}
