import { describe, expect, it } from 'vitest'
import { hanForms } from './evidence.ts'

describe('hanForms (CLDR exemplar characters)', () => {
  it('counts simplified-only forms for Chinese and Japanese-only forms for Japanese', () => {
    // 设/设 vs 設, 说 vs 説, 这 and 们 are simplified only; 込 and 働 are Japanese only.
    expect(hanForms('设置')).toEqual({ zh: 1, ja: 0 })
    expect(hanForms('設定')).toEqual({ zh: 0, ja: 1 })
    expect(hanForms('这些们说')).toEqual({ zh: 4, ja: 0 })
    expect(hanForms('込働説')).toEqual({ zh: 0, ja: 3 })
  })

  it('counts nothing for characters both languages write', () => {
    expect(hanForms('中人日大学')).toEqual({ zh: 0, ja: 0 })
  })
})
