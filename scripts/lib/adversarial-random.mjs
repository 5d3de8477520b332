/**
 * @module adversarial-random — the seeded random source and the raw material of the adversarial
 * pass's cases (scripts/lib/adversarial-cases.mjs): phrases, hostile Unicode, valid speech
 * bodies, junk audio containers.
 */
/**
 * A seeded 32-bit generator (mulberry32): small, fast and reproducible; statistical quality is
 * ample for choosing test cases.
 *
 * @example
 * const rng = seededRandom(42); rng.int(10) // the same on every run
 */
export function seededRandom(seed) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n) => Math.floor(next() * n)
  const pick = (list) => list[int(list.length)]
  const chance = (p) => next() < p
  return { next, int, pick, chance }
}

export const PROTO = [
  'constructor',
  'toString',
  'valueOf',
  '__proto__',
  'hasOwnProperty',
  'prototype',
]
export const VOICES = ['alloy', 'echo', 'nova', 'onyx', 'shimmer', 'fable', 'Claribel Dervla']
export const FORMATS = ['mp3', 'opus', 'wav', 'pcm', 'flac']
export const PHRASES = [
  'Hello from the adversarial pass.',
  'The quick brown fox jumps over the lazy dog.',
  'Bonjour tout le monde, comment allez-vous ?',
  'Wie geht es dir heute?',
  'Привет, как дела?',
  'これはテストです。',
  'مرحبا بالعالم',
  'One. Two. Three.',
]
const UNICODE = [
  '\uFB2C',
  '\u0301',
  '\u200B',
  '\u202E',
  '👩‍👩‍👧‍👦',
  '\uD800',
  '\u0000',
  '\uFFFF',
  'ﷺ',
  '𒐫',
  'Ǆ',
  '\t\n\r',
]

/** Random text of `n` UTF-16 units from a hostile alphabet. */
export function unicodeText(rng, n) {
  let s = ''
  while (s.length < n) s += rng.chance(0.3) ? rng.pick(UNICODE) : rng.pick(PHRASES)
  return s.slice(0, n)
}

export const json = (body, extra = {}) => ({
  headers: { 'content-type': 'application/json', ...extra },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

/**
 * A POST of `body` as JSON to the speech route with a speech key: the case most families vary
 * only by body (and `headers`, added to the JSON content type).
 */
export const speechPost = (body, headers) => ({
  method: 'POST',
  path: '/v1/audio/speech',
  auth: 'speech',
  ...json(body, headers),
})

/** A speech body, valid unless the caller overrides a field. */
export function speechBody(rng, over = {}) {
  return {
    model: rng.pick(['tts-1', 'tts-1-hd', 'gpt-4o-mini-tts']),
    input: rng.pick(PHRASES),
    voice: rng.pick(VOICES),
    response_format: rng.pick(FORMATS),
    ...(rng.chance(0.2) ? { speed: rng.pick([0.5, 1, 1.25, 2]) } : {}),
    ...over,
  }
}

/** Minimal bytes of each container, a PNG and noise: clone-upload junk. */
export function junkClip(rng) {
  const ascii = (s) => [...s].map((c) => c.charCodeAt(0))
  const noise = (n) => Array.from({ length: n }, () => rng.int(256))
  return new Uint8Array(
    rng.pick([
      () => [],
      () => [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...noise(500)],
      () => ascii('RIFF\0\0\0\0WAVE'),
      () => [...ascii('RIFF\xff\xff\xff\xffWAVEfmt '), ...noise(40)],
      () => [...ascii('fLaC'), ...noise(60)],
      () => [...ascii('OggS'), ...noise(80)],
      () => [...ascii('ID3\x04\0\0\0\0\0\x10'), 0xff, 0xfb, 0x90, 0x64, ...noise(400)],
      () => [0xff, 0xfb, ...noise(2000)],
      () => ascii(`not audio ${'x'.repeat(rng.int(3000))}`),
      () => noise(rng.int(20_000)),
    ])(),
  )
}

export function multipart(fields) {
  const form = new FormData()
  for (const [name, value] of Object.entries(fields)) form.append(name, value)
  return { headers: {}, body: form }
}
