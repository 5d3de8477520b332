/**
 * @module @tts/core/testing — unique, speakable texts for test suites and benchmarks.
 *
 * Every test that asks for speech needs a text no other test (and no earlier run against a
 * kept cache) has asked for, or a cache answers it and the test passes or fails by luck. A
 * random suffix must therefore be unique in practice — at least 64 bits — and still be text a
 * speech engine reads like words: digits are spoken as numbers and change how text is
 * normalised and split, and a run of random letters is spelled out letter by letter (long,
 * slow audio). So the nonce is made of consonant–vowel syllables drawn uniformly with
 * `crypto.getRandomValues` (rejection sampling, no modulo bias): 16 × 5 = 80 syllables carry
 * log2(80) ≈ 6.32 bits each, and the default 11 syllables carry 69.5 bits.
 *
 * Web APIs only: the same helper runs in Node, in workerd (the edge's tests) and in browsers.
 */

const CONSONANTS = 'bdfghjklmnprstvz'
const VOWELS = 'aeiou'
const SYLLABLES = CONSONANTS.length * VOWELS.length
const BITS_PER_SYLLABLE = Math.log2(SYLLABLES)
/** Syllables per pseudo-word: short enough to be read as a word, not spelled. */
const WORD_SYLLABLES = 3

/** Options of {@link nonce}. */
export interface NonceOptions {
  /** Entropy wanted, in bits (at least 64, the default). */
  bits?: number
}

/** Bits of entropy a nonce of `syllables` syllables carries. */
export function nonceBits(syllables: number): number {
  return syllables * BITS_PER_SYLLABLE
}

function randomSyllableIndexes(count: number): number[] {
  // 256 is not a multiple of 80: bytes ≥ 240 are dropped so every syllable is equally likely.
  const limit = 256 - (256 % SYLLABLES)
  const out: number[] = []
  const bytes = new Uint8Array(Math.max(16, count * 2))
  while (out.length < count) {
    crypto.getRandomValues(bytes)
    for (const b of bytes) {
      if (b < limit) out.push(b % SYLLABLES)
      if (out.length === count) break
    }
  }
  return out
}

/**
 * A random, speakable run of lowercase pseudo-words (letters and single spaces only), unique
 * in practice: at least `bits` (default 64) bits of entropy.
 *
 * @example
 * nonce() // 'kobaru tizefe mulopa dunivo'
 */
export function nonce(options: NonceOptions = {}): string {
  const bits = options.bits ?? 64
  if (!Number.isFinite(bits) || bits < 64) {
    throw new RangeError(`nonce bits must be a number ≥ 64 (got ${bits})`)
  }
  const syllables = Math.ceil(bits / BITS_PER_SYLLABLE)
  const words: string[] = []
  let word = ''
  for (const [i, index] of randomSyllableIndexes(syllables).entries()) {
    word += `${CONSONANTS[Math.floor(index / VOWELS.length)]}${VOWELS[index % VOWELS.length]}`
    if ((i + 1) % WORD_SYLLABLES === 0) {
      words.push(word)
      word = ''
    }
  }
  if (word) words.push(word)
  return words.join(' ')
}

/**
 * `words` followed by a {@link nonce} and a full stop: one sentence no other test has asked for.
 *
 * @example
 * uniqueSentence('Cut me short') // 'Cut me short kobaru tizefe mulopa dunivo.'
 */
export function uniqueSentence(words: string, options: NonceOptions = {}): string {
  return `${words.replace(/[\s.!?]+$/u, '')} ${nonce(options)}.`
}
