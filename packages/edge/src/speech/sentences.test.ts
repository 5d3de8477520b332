import { describe, expect, it } from 'vitest'
import { sentencesOf } from './sentences.ts'

describe('sentencesOf', () => {
  it('splits into sentences', () => {
    expect(sentencesOf('Hello there. How are you?', 'en')).toEqual(['Hello there.', 'How are you?'])
  })

  it('leaves out sentences with no letter or digit, which XTTS cannot speak', () => {
    expect(sentencesOf('Hello there. 👩‍👩‍👧‍👦. … ?! \u200B\u0301. It is 5 pm.', 'en')).toEqual([
      'Hello there.',
      'It is 5 pm.',
    ])
  })
})
