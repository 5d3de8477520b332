/**
 * @module lang/vocabulary — the words each of nine Latin-script XTTS languages commonly uses
 * (data/vocabulary.gen.ts: the most frequent words of film subtitles and Wikipedia, as the
 * MIT `@zxcvbn-ts/language-*` packages list them, and the lexicon's app strings; see
 * bench/gen-vocabulary.ts), loaded beside the n-gram data by {@link loadVocabulary} — its own
 * chunk, fetched in parallel with the n-grams', not in the browser entry.
 *
 * What it adds to eld's n-grams: a short text all of whose words one language uses and
 * another does not. The n-grams score "Gregorian Calendar" Spanish first; no Spanish list has
 * "calendar" (Spanish says "calendario"), the English one has both words. lang/decide.ts takes
 * its say where the text's n-grams leave the answer unclear.
 *
 * Written here, not taken from a library: the lists are a few frequency-ranked word arrays;
 * what is needed is one membership mask per word, kept small for the browser (front-coded,
 * ~260 KB gzip) — not a spelling checker's affix rules (Hunspell's de, it and cs
 * dictionaries are GPL only).
 */

import { LATIN_LANGUAGES, type LatinLanguage } from './ngram.ts'

/** The languages with a vocabulary (hu and tr have no MIT word list; they have none). */
export const VOCABULARY_LANGUAGES = [
  'cs',
  'de',
  'en',
  'es',
  'fr',
  'it',
  'nl',
  'pl',
  'pt',
] as const satisfies readonly LatinLanguage[]

/** Bit mask over `LATIN_LANGUAGES` of the languages with a vocabulary. */
export const VOCABULARY_MASK = VOCABULARY_LANGUAGES.reduce(
  (m, l) => m | (1 << LATIN_LANGUAGES.indexOf(l)),
  0,
)

/**
 * The words, sorted, in one string (`text`, each word followed by a newline) with each word's
 * start (`starts`) and language mask (`masks`): 2.1 MiB of heap past the file's own text where
 * a Map of the 120,000 words took 6.6 MiB (measured in Node after GC).
 */
interface Words {
  text: string
  starts: Uint32Array
  masks: Uint16Array
}

let words: Words | undefined
let loading: Promise<Words> | undefined

/**
 * Loads the vocabulary once (one data module, ~600 K characters); later calls share the same
 * promise. lang/decide.ts `loadModel` runs it beside the n-grams' {@link loadNgramModel}.
 *
 * @example
 * await loadVocabulary()
 */
export function loadVocabulary(): Promise<void> {
  loading ??= import('./data/vocabulary.gen.ts').then(
    (data) => {
      words = parseBlocks(data.default)
      return words
    },
    (error: unknown) => {
      // Let a later call try again (a chunk that failed to load in a browser).
      loading = undefined
      throw error
    },
  )
  return loading.then(() => undefined)
}

/**
 * The languages (bit mask over `LATIN_LANGUAGES`) whose vocabulary holds every word of `text`
 * (lower case) that some vocabularies hold and others do not; words all nine or none hold say
 * nothing. `VOCABULARY_MASK` when no word says anything, 0 when no language holds them all.
 * Requires {@link loadVocabulary} to have finished.
 *
 * @example
 * vocabularyMask('gregorian calendar') // the en bit alone (eld's n-grams lean Spanish)
 */
export function vocabularyMask(text: string): number {
  if (!words) throw new Error('vocabularyMask before loadVocabulary() finished')
  let mask = VOCABULARY_MASK
  for (const word of text.match(/\p{L}{2,}/gu) ?? []) {
    const at = find(words, word)
    if (at >= 0) mask &= words.masks[at] as number
  }
  return mask
}

/** The index of `word` in `words`, or -1: a binary search comparing UTF-16 code units in place. */
function find({ text, starts }: Words, word: string): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1
    const start = starts[mid] as number
    // Every word is followed by a newline, the last one too.
    const end = (starts[mid + 1] ?? text.length) - 1
    let order = 0
    for (let i = 0; order === 0; i++) {
      const a = i < word.length ? word.charCodeAt(i) : -1
      const b = start + i < end ? text.charCodeAt(start + i) : -1
      if (a === -1 && b === -1) return mid
      order = a - b
    }
    if (order < 0) hi = mid - 1
    else lo = mid + 1
  }
  return -1
}

/** Reads bench/gen-vocabulary.ts's blocks: a mask line, then a line of front-coded words. */
function parseBlocks(rows: string): Words {
  const entries: [string, number][] = []
  const lines = rows.split('\n')
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const mask = Number.parseInt(lines[i] as string, 36)
    let previous = ''
    for (const coded of (lines[i + 1] as string).split(' ')) {
      previous = previous.slice(0, Number.parseInt(coded[0] as string, 36)) + coded.slice(1)
      entries.push([previous, mask])
    }
  }
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  const starts = new Uint32Array(entries.length)
  const masks = new Uint16Array(entries.length)
  let at = 0
  entries.forEach(([word, mask], i) => {
    starts[i] = at
    masks[i] = mask
    at += word.length + 1
  })
  return { text: entries.map(([word]) => `${word}\n`).join(''), starts, masks }
}
