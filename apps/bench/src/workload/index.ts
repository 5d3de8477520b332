/**
 * @module workload — a seeded, reproducible request mix for the GPU-offload row: a bank of
 * sentences whose popularity follows Zipf's law (a few phrases — greetings, prompts, errors —
 * are said very often, most rarely), combined into paragraphs of one to four sentences, so the
 * same sentence often arrives inside a paragraph never seen before.
 *
 * The generator (mulberry32) is ours: ten lines, and the workload must be identical on every
 * machine and Node version, which `Math.random` does not promise.
 */

/**
 * A seeded PRNG yielding floats in [0, 1).
 *
 * @example
 * const random = mulberry32(42)
 * random() // the same first value on every machine
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A sampler of ranks 0..n-1 with P(rank k) ∝ 1 / (k + 1)^s.
 *
 * @example
 * const next = zipf(100, 1.1, mulberry32(1))
 * next() // most often 0
 */
export function zipf(n: number, s: number, random: () => number): () => number {
  const cumulative: number[] = []
  let total = 0
  for (let k = 0; k < n; k++) {
    total += 1 / (k + 1) ** s
    cumulative.push(total)
  }
  return () => {
    const target = random() * total
    let lo = 0
    let hi = n - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((cumulative[mid] as number) < target) lo = mid + 1
      else hi = mid
    }
    return lo
  }
}

const SUBJECTS = [
  'Your order',
  'The next train',
  'Your appointment',
  'The meeting',
  'Your package',
  'The weather today',
  'Your account balance',
  'The front door',
  'The living room light',
  'Your flight',
  'The dishwasher',
  'Your reminder',
]
const PREDICATES = [
  'has been confirmed',
  'will arrive in ten minutes',
  'is running late',
  'was moved to Thursday',
  'needs your attention',
  'is ready for pickup',
  'looks sunny with a light breeze',
  'has been updated',
  'was cancelled',
  'is now open',
  'starts at nine in the morning',
  'could not be completed',
]
const TAILS = [
  '',
  ' Thank you for your patience.',
  ' Please check the app for details.',
  ' Say repeat to hear this again.',
]

/** The workload's settings. */
export interface WorkloadOptions {
  seed: number
  /** Distinct sentences in the bank. */
  sentences: number
  /** Requests to generate. */
  requests: number
  /** Zipf exponent of sentence popularity. */
  exponent: number
  /** Sentences per paragraph, inclusive bounds. */
  minSentences: number
  maxSentences: number
}

/** The generated requests and what they are made of. */
export interface Workload {
  bank: string[]
  requests: string[]
  distinctRequests: number
  distinctSentences: number
}

/**
 * Generates the workload.
 *
 * @example
 * const { requests } = generateWorkload({ seed: 7, sentences: 200, requests: 1000, exponent: 1.1, minSentences: 1, maxSentences: 4 })
 */
export function generateWorkload(o: WorkloadOptions): Workload {
  const random = mulberry32(o.seed)
  const bank: string[] = []
  const seen = new Set<string>()
  while (bank.length < o.sentences) {
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)] as T
    const sentence = `${pick(SUBJECTS)} ${pick(PREDICATES)}.${pick(TAILS)}`
    const numbered = seen.has(sentence)
      ? `${sentence.slice(0, -1)} Reference ${bank.length + 1}.`
      : sentence
    if (seen.has(numbered)) continue
    seen.add(numbered)
    bank.push(numbered)
  }
  const rank = zipf(o.sentences, o.exponent, random)
  const requests: string[] = []
  const used = new Set<number>()
  for (let i = 0; i < o.requests; i++) {
    const count = o.minSentences + Math.floor(random() * (o.maxSentences - o.minSentences + 1))
    const parts: string[] = []
    for (let j = 0; j < count; j++) {
      const k = rank()
      used.add(k)
      parts.push(bank[k] as string)
    }
    requests.push(parts.join(' '))
  }
  return {
    bank,
    requests,
    distinctRequests: new Set(requests).size,
    distinctSentences: used.size,
  }
}
