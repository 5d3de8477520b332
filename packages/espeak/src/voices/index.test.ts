import { describe, expect, it } from 'vitest'
import { resolveLanguage, SUPPORTED_LANGUAGES } from './index.ts'

describe('resolveLanguage', () => {
  it('covers the 17 XTTS languages in XTTS order', () => {
    expect(SUPPORTED_LANGUAGES.join(' ')).toBe(
      'en es fr de it pt pl tr ru nl cs ar zh-cn hu ko ja hi',
    )
    for (const language of SUPPORTED_LANGUAGES) expect(resolveLanguage(language)).toBe(language)
  })

  it('drops a region and case, keeps Chinese as zh-cn', () => {
    expect(resolveLanguage('en-US')).toBe('en')
    expect(resolveLanguage('PT_br')).toBe('pt')
    expect(resolveLanguage('zh-CN')).toBe('zh-cn')
    expect(resolveLanguage('zh')).toBe('zh-cn')
    expect(resolveLanguage('zh-Hans-CN')).toBe('zh-cn')
  })

  it('returns undefined for what it cannot speak', () => {
    for (const tag of ['', 'xx', 'sw-KE', 'zh-tw-x']) expect(resolveLanguage(tag)).toBeUndefined()
  })
})
