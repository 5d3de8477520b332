import { describe, expect, it } from 'vitest'
import { countScripts, scriptVerdict } from './script.ts'

describe('countScripts', () => {
  it('counts letters per script and ignores digits, spaces and punctuation', () => {
    const counts = countScripts('Ça va? 12 Привет! مرحبا 안녕 ひらがなカタカナ 漢字 नमस्ते Ελλάδα 𠀋')
    expect(counts.latin).toBe(4)
    expect(counts.cyrillic).toBe(6)
    expect(counts.arabic).toBe(5)
    expect(counts.hangul).toBe(2)
    expect(counts.kana).toBe(8)
    expect(counts.han).toBe(3)
    expect(counts.devanagari).toBe(4)
    expect(counts.other).toBe(6)
  })
})

describe('scriptVerdict', () => {
  const verdict = (text: string) => scriptVerdict(countScripts(text))

  it.each([
    ['Все люди рождаются свободными', 'ru'],
    ['يولد جميع الناس أحرارًا', 'ar'],
    ['सभी मनुष्यों को गौरव और अधिकारों', 'hi'],
    ['모든 인간은 태어날 때부터 자유로우며', 'ko'],
    ['すべての人間は、生まれながらにして自由であり', 'ja'],
  ])('decides %s by its script', (text, language) => {
    expect(verdict(text)).toMatchObject({ kind: 'language', language })
  })

  it('leaves Han-only text to the n-gram model', () => {
    expect(verdict('人人生而自由，在尊严和权利上一律平等。')).toEqual({ kind: 'han', share: 1 })
  })

  it('lets a non-Latin script win as a sizeable minority, not only a majority', () => {
    expect(verdict('ImageProxy HTTPエラー')).toMatchObject({ kind: 'language', language: 'ja' })
    expect(verdict('Ошибка в ImageProxy')).toMatchObject({ kind: 'language', language: 'ru' })
  })

  it('keeps Latin text Latin when another script is only a word in passing', () => {
    expect(verdict('We flew from Berlin to Tokyo (東京) last spring')).toMatchObject({
      kind: 'latin',
    })
    expect(verdict('The band Мумий Тролль played in Hamburg yesterday evening')).toMatchObject({
      kind: 'latin',
    })
  })

  it('has no verdict without letters', () => {
    expect(verdict('123 — 456!')).toEqual({ kind: 'none' })
    expect(verdict('')).toEqual({ kind: 'none' })
  })
})
