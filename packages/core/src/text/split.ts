/**
 * @module text/split — long input cut into pieces XTTS can speak in one go: whole sentences
 * packed under the language's character limit; a sentence too long for it cut at clause
 * punctuation, then between words, and only a single over-long word between graphemes.
 *
 * Sentences and words come from `Intl.Segmenter` (ICU: it knows abbreviations, and where
 * Chinese and Japanese words end). Every cut lies where {@link joinPieces} puts back exactly
 * what was there — a space, or nothing next to Chinese and Japanese characters — so joining the
 * pieces gives the normalised text back.
 */

import { CHAR_LIMITS, normalizeLanguage, type XttsLanguage } from '../lang/languages.ts'
import { codePointBefore, isUnspaced } from './join.ts'
import { normalizeText } from './normalize.ts'

/** Options of {@link splitForSynthesis}. */
export interface SplitOptions {
  /** Most characters (code points, as XTTS counts) per piece. Default: `CHAR_LIMITS[language]`. */
  limit?: number
}

/** Marks after which a clause ends, when a space follows. */
const CLAUSE_END = new Set([...',;:)]}»”…—–،؛'].map((c) => c.codePointAt(0) as number))
/** Chinese and Japanese clause marks, cut right after (no space follows them). */
const CJK_CLAUSE_END = new Set([...'、，；：）」』】〕…'].map((c) => c.codePointAt(0) as number))

type Level = 'sentence' | 'clause' | 'word' | 'grapheme'
const LEVELS: readonly Level[] = ['sentence', 'clause', 'word', 'grapheme']

/** A cut: the piece before ends at `end`, the next starts at `next` (past a dropped space). */
interface Cut {
  end: number
  next: number
}

/**
 * Splits text into pieces of at most the language's XTTS character limit, for synthesis one
 * piece at a time (and caching per piece). The text is normalised first ({@link normalizeText});
 * `joinPieces(pieces)` gives it back.
 *
 * @example
 * splitForSynthesis('First sentence. Second one.', 'en') // ['First sentence. Second one.']
 * splitForSynthesis(longGermanText, 'de-DE') // pieces of at most 253 characters
 */
export function splitForSynthesis(
  text: string,
  language: XttsLanguage | string,
  options: SplitOptions = {},
): string[] {
  const lang = normalizeLanguage(language)
  const limit = options.limit ?? CHAR_LIMITS[lang]
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit must be a positive integer, got ${String(options.limit)}`)
  }
  const normalized = normalizeText(text)
  if (normalized === '') return []
  const splitter = new Splitter(normalized, lang === 'zh-cn' ? 'zh' : lang, limit)
  return splitter.split(0, normalized.length).map(([start, end]) => normalized.slice(start, end))
}

class Splitter {
  private readonly text: string
  private readonly locale: string
  private readonly limit: number
  /** Code points before each UTF-16 index, so lengths are O(1). */
  private readonly codePoints: Uint32Array

  // Plain fields, not parameter properties: Node's type stripping runs this file as is.
  constructor(text: string, locale: string, limit: number) {
    this.text = text
    this.locale = locale
    this.limit = limit
    this.codePoints = new Uint32Array(text.length + 1)
    for (let i = 0, n = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (!(c >= 0xdc00 && c <= 0xdfff)) n++
      this.codePoints[i + 1] = n
    }
  }

  private length(start: number, end: number): number {
    return (this.codePoints[end] as number) - (this.codePoints[start] as number)
  }

  /**
   * Pieces of [start, end) as index ranges. Whole sentences are packed together; a sentence too
   * long for one piece is split on its own (its parts do not merge with other sentences, so a
   * sentence keeps the same pieces whatever text surrounds it), greedily packing its clauses,
   * words or graphemes.
   */
  split(start: number, end: number): [number, number][] {
    const pieces: [number, number][] = []
    let current: [number, number] | undefined
    for (const span of this.spans(start, end, 'sentence')) {
      if (current !== undefined && this.length(current[0], span[1]) <= this.limit) {
        current = [current[0], span[1]]
        continue
      }
      if (current !== undefined) pieces.push(current)
      current = undefined
      if (this.length(span[0], span[1]) <= this.limit) current = span
      else pieces.push(...this.pack(this.atoms(span[0], span[1], 1)))
    }
    if (current !== undefined) pieces.push(current)
    return pieces
  }

  /** [start, end) cut at every allowed point of `level`. */
  private spans(start: number, end: number, level: Level): [number, number][] {
    const spans: [number, number][] = []
    let from = start
    for (const cut of this.cuts(start, end, level)) {
      spans.push([from, cut.end])
      from = cut.next
    }
    spans.push([from, end])
    return spans
  }

  /** The coarsest spans of [start, end) that each fit, from clause level down. */
  private atoms(start: number, end: number, levelIndex: number): [number, number][] {
    const level = LEVELS[levelIndex]
    if (this.length(start, end) <= this.limit || level === undefined) return [[start, end]]
    return this.spans(start, end, level).flatMap(([s, e]) => this.atoms(s, e, levelIndex + 1))
  }

  /** Greedily joins consecutive atoms while the piece still fits. */
  private pack(atoms: [number, number][]): [number, number][] {
    const pieces: [number, number][] = []
    let current: [number, number] | undefined
    for (const atom of atoms) {
      if (current !== undefined && this.length(current[0], atom[1]) <= this.limit) {
        current = [current[0], atom[1]]
      } else {
        if (current !== undefined) pieces.push(current)
        current = atom
      }
    }
    if (current !== undefined) pieces.push(current)
    return pieces
  }

  /** Where [start, end) may be cut at this level, in order. */
  private cuts(start: number, end: number, level: Level): Cut[] {
    const cuts: Cut[] = []
    const add = (at: number, forced = false) => {
      const cut = this.cutAt(at, forced)
      if (cut && cut.end > start && cut.next < end && cut.end > (cuts.at(-1)?.next ?? start - 1)) {
        cuts.push(cut)
      }
    }
    const slice = this.text.slice(start, end)
    if (level === 'clause') {
      for (let i = start + 1; i < end; i++) {
        const before = codePointBefore(this.text, i)
        if (this.text[i] === ' ' ? CLAUSE_END.has(before) : CJK_CLAUSE_END.has(before)) add(i)
      }
      return cuts
    }
    const granularity = level === 'sentence' ? 'sentence' : level === 'word' ? 'word' : 'grapheme'
    const segmenter = new Intl.Segmenter(this.locale, { granularity })
    for (const segment of segmenter.segment(slice)) {
      if (segment.index > 0) add(start + segment.index, level === 'grapheme')
    }
    return cuts
  }

  /**
   * A cut at index `at`, if joinPieces would restore it: at a space (dropped) when neither
   * neighbour is Chinese/Japanese, or between two characters with no space when one is.
   * Segmenters report a boundary after the space that ends a sentence; it moves onto the space.
   * `forced` (graphemes of one over-long word) cuts where no rule can restore it.
   */
  private cutAt(at: number, forced: boolean): Cut | undefined {
    const { text } = this
    if (text[at - 1] === ' ') at -= 1
    if (text[at] === ' ') {
      const joinsWithSpace =
        !isUnspaced(codePointBefore(text, at)) && !isUnspaced(text.codePointAt(at + 1) ?? 0)
      return joinsWithSpace ? { end: at, next: at + 1 } : undefined
    }
    const joinsWithNothing =
      isUnspaced(codePointBefore(text, at)) || isUnspaced(text.codePointAt(at) ?? 0)
    return joinsWithNothing || forced ? { end: at, next: at } : undefined
  }
}
