import { describe, expect, it } from 'vitest'
import { normalizeText } from './normalize.ts'

describe('normalizeText', () => {
  it('composes to NFC so both spellings of an accent give one key', () => {
    expect(normalizeText('Cafe\u0301')).toBe('Café')
    expect(normalizeText('Café')).toBe(normalizeText('Cafe\u0301'))
    expect(normalizeText('가')).toBe(normalizeText('\u1100\u1161'))
  })

  it('collapses every kind of whitespace to one space and trims', () => {
    expect(normalizeText('  a\t\tb\n\nc\u00a0d\u3000e\r\n ')).toBe('a b c d e')
    expect(normalizeText(' \n ')).toBe('')
  })

  it('changes nothing that is spoken: case, punctuation and symbols stay', () => {
    const text = 'Hello, World! ½ — «Quote» ＡＢＣ ﬁ'
    expect(normalizeText(text)).toBe(text)
  })

  it('removes what is never spoken: controls, unpaired surrogates, noncharacters, bidi overrides', () => {
    expect(normalizeText('\u0000Bonjour\u0007 tout\u202E le \uD800monde\uFFFF.\u2066')).toBe(
      'Bonjour tout le monde.',
    )
    // Whitespace controls still separate words; a removed one leaves no double space.
    expect(normalizeText('a\t\u0000\nb \u0000 c')).toBe('a b c')
    // Joiners shape emoji and Indic text: they stay.
    expect(normalizeText('👩\u200D👧 क्\u200Dष')).toBe('👩\u200D👧 क्\u200Dष')
  })
})
