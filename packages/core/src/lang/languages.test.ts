import { describe, expect, it } from 'vitest'
import { isTtsError } from '../errors/index.ts'
import {
  CHAR_LIMITS,
  fromLocale,
  isXttsLanguage,
  normalizeLanguage,
  toLocale,
  XTTS_LANGUAGES,
} from './languages.ts'

describe('XTTS languages', () => {
  it('lists the 17 codes the XTTS server accepts, each with a limit and a locale', () => {
    expect(XTTS_LANGUAGES).toHaveLength(17)
    expect(new Set(XTTS_LANGUAGES).size).toBe(17)
    for (const language of XTTS_LANGUAGES) {
      expect(CHAR_LIMITS[language]).toBeGreaterThan(50)
      expect(toLocale(language)).toMatch(/^[a-z]{2}-[A-Z]{2}$/)
    }
    expect(Object.keys(CHAR_LIMITS).sort()).toEqual([...XTTS_LANGUAGES].sort())
  })

  it.each([
    ['en', 250],
    ['de', 253],
    ['fr', 273],
    ['zh-cn', 82],
    ['ja', 71],
    ['ko', 95],
    ['hi', 150],
  ] as const)('has the XTTS character limit of %s', (language, limit) => {
    expect(CHAR_LIMITS[language]).toBe(limit)
  })

  it('recognises only exact codes', () => {
    expect(isXttsLanguage('zh-cn')).toBe(true)
    expect(isXttsLanguage('zh')).toBe(false)
    expect(isXttsLanguage('en-US')).toBe(false)
    expect(isXttsLanguage(42)).toBe(false)
  })

  it.each([
    ['en-US', 'en'],
    ['EN', 'en'],
    ['pt_BR', 'pt'],
    ['de-AT', 'de'],
    ['zh', 'zh-cn'],
    ['zh-CN', 'zh-cn'],
    ['zh-cn', 'zh-cn'],
    ['zh-Hans-CN', 'zh-cn'],
    [' ja-JP ', 'ja'],
  ] as const)('normalises %j to %s', (tag, expected) => {
    expect(normalizeLanguage(tag)).toBe(expected)
    expect(fromLocale(tag)).toBe(expected)
  })

  it('rejects a language XTTS does not speak, naming the allowed codes', () => {
    expect(fromLocale('sv-SE')).toBeUndefined()
    expect(fromLocale('')).toBeUndefined()
    try {
      normalizeLanguage('sv-SE')
      expect.unreachable()
    } catch (error) {
      expect(isTtsError(error)).toBe(true)
      expect((error as { code: string }).code).toBe('unsupported_language')
      expect(String(error)).toContain('"sv-SE"')
      expect(String(error)).toContain('zh-cn')
    }
  })

  it.each([
    ['ar', 'ar-SA'],
    ['fr', 'fr-FR'],
    ['zh-cn', 'zh-CN'],
    ['en-GB', 'en-US'],
  ] as const)('maps %s to the locale %s and back', (language, locale) => {
    expect(toLocale(language)).toBe(locale)
    expect(fromLocale(locale)).toBe(normalizeLanguage(language))
  })
})
