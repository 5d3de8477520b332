/**
 * The training/evaluation split of the language benches holds: no string the lexicon learns
 * from or the weights are tuned on is spelt like a held-out string, and the committed lexicon
 * and vocabulary are what bench/gen-lexicon.ts and bench/gen-vocabulary.ts make from their
 * sources (so nobody can have added a held-out word by hand). Node only: the sources are read
 * from installed packages.
 */

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  LEXICON_FILE,
  lexiconModule,
  lexiconRows,
  lexiconSources,
  sourceStrings,
} from './gen-lexicon.ts'
import { VOCABULARY_FILE, vocabularyModule } from './gen-vocabulary.ts'
import { evaluationSamples, trainingSamples } from './ui-corpus.ts'

describe('language bench split', () => {
  const held = new Set(evaluationSamples().samples.map((s) => s.text.toLowerCase()))
  const { build, tune, leaked } = lexiconSources()

  it('keeps every held-out string out of what the lexicon learns and is tuned on', () => {
    expect(held.size).toBeGreaterThan(20_000)
    for (const s of [...build, ...tune]) expect(held.has(s.text.toLowerCase()), s.text).toBe(false)
    // What was left out is exactly the source strings spelt like a held-out one.
    const spelt = sourceStrings().filter((s) => held.has(s.text.toLowerCase()))
    expect(leaked).toBe(spelt.length)
    expect(build.length + tune.length + leaked).toBe(sourceStrings().length)
  }, 60_000)

  it('tunes on CLDR names that are not the held-out CLDR units and dates', () => {
    const names = trainingSamples().samples
    const shared = names.filter((s) => held.has(s.text.toLowerCase()))
    // A few names are spelt like a unit or a month ("Mars", "Kelvin"): disclosed by the bench.
    expect(shared.length / names.length).toBeLessThan(0.01)
  }, 60_000)

  it('ships the lexicon the generator makes from the sources, no row added by hand', () => {
    expect(readFileSync(LEXICON_FILE, 'utf8')).toBe(lexiconModule(lexiconRows(build)))
  }, 60_000)

  it('ships the vocabulary the generator makes from its word lists, no word added by hand', () => {
    expect(readFileSync(VOCABULARY_FILE, 'utf8')).toBe(vocabularyModule().text)
  }, 60_000)
})
