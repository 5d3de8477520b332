import { describe, expect, it } from 'vitest'
import { joinPieces, separator } from './join.ts'

describe('joinPieces', () => {
  it('joins with a space, or with nothing next to Chinese and Japanese', () => {
    expect(joinPieces(['Hello.', 'World.'])).toBe('Hello. World.')
    expect(joinPieces(['今日は晴れ。', '明日は雨。'])).toBe('今日は晴れ。明日は雨。')
    expect(joinPieces(['東京は', 'Tokyo'])).toBe('東京はTokyo')
    expect(joinPieces(['안녕하세요.', '반갑습니다.'])).toBe('안녕하세요. 반갑습니다.')
    expect(joinPieces([])).toBe('')
    expect(joinPieces(['one'])).toBe('one')
  })

  it('reads astral Han characters on either side of the seam', () => {
    expect(separator('𠀋', 'a')).toBe('')
    expect(separator('a', '𠀋')).toBe('')
    expect(separator('a', 'b')).toBe(' ')
  })
})
