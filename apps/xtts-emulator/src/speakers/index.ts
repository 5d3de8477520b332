/**
 * @module speakers — XTTS speaker latents, emulated: studio speakers with fixed voices, clones
 * whose latents are a deterministic function of the clip, and the mapping from any latents
 * to espeak-ng voice parameters, so the same latents always get the same voice (espeak-ng's
 * output itself varies slightly from call to call: it draws random noise, unseedably).
 */
import { createHash } from 'node:crypto'

/** XTTS-v2's speaker embedding length. */
export const EMBEDDING_SIZE = 512
/** XTTS-v2's GPT conditioning latent width; the real ones have 32 rows, ours 4 (smaller JSON). */
export const LATENT_WIDTH = 1024
export const LATENT_ROWS = 4

/** The latents XTTS takes for a voice. */
export interface SpeakerLatents {
  speaker_embedding: number[]
  gpt_cond_latent: number[][]
}

/** How espeak-ng renders a voice. */
export interface VoiceParams {
  variant: string
  /** 0–2, 1 = espeak-ng's default pitch. */
  pitch: number
}

/** Studio speakers (names from XTTS-v2's own list) and how each sounds here. */
const STUDIO: Record<string, VoiceParams> = {
  'Claribel Dervla': { variant: 'f3', pitch: 1 },
  'Daisy Studious': { variant: 'f1', pitch: 1.5 },
  'Gracie Wise': { variant: 'f4', pitch: 0.95 },
  'Andrew Chipper': { variant: 'm3', pitch: 1.05 },
  'Badr Odhiambo': { variant: 'm1', pitch: 0.75 },
  'Viktor Eka': { variant: 'm7', pitch: 0.9 },
}

/** OpenAI's voice names, mapped onto studio speakers for `/v1/audio/speech`. */
export const OPENAI_VOICES: Record<string, string> = {
  alloy: 'Claribel Dervla',
  echo: 'Andrew Chipper',
  fable: 'Gracie Wise',
  onyx: 'Badr Odhiambo',
  nova: 'Daisy Studious',
  shimmer: 'Viktor Eka',
}

const DERIVED_VARIANTS = ['f1', 'f2', 'f3', 'f4', 'f5', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']

/**
 * mulberry32: a tiny seeded generator, so the same seed always yields the same latents.
 *
 * @example
 * const next = generator(createHash('sha256').update('seed').digest()); next() // in [0, 1)
 */
export function generator(seed: Uint8Array): () => number {
  let state = new DataView(seed.buffer, seed.byteOffset, seed.byteLength).getUint32(0, true)
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Latents seeded by `seed` (a name, or a digest of audio): plausible float16-like values.
 *
 * @example
 * latentsFromSeed('Claribel Dervla').speaker_embedding.length // 512
 */
export function latentsFromSeed(seed: string | Uint8Array): SpeakerLatents {
  const digest = createHash('sha256').update(seed).digest()
  const next = generator(digest)
  const value = () => Math.round((next() * 2 - 1) * 1000) / 1000
  return {
    speaker_embedding: Array.from({ length: EMBEDDING_SIZE }, value),
    gpt_cond_latent: Array.from({ length: LATENT_ROWS }, () =>
      Array.from({ length: LATENT_WIDTH }, value),
    ),
  }
}

/**
 * A digest of the speaker embedding, rounded to 3 decimals so a float16/float32 round trip
 * of the same latents still names the same voice.
 *
 * @example
 * latentDigest([0.1, -0.2]) // '3f9c...'
 */
export function latentDigest(embedding: readonly number[]): string {
  const hash = createHash('sha256')
  for (const v of embedding) hash.update(`${Math.round(v * 1000)},`)
  return hash.digest('hex')
}

const studioLatents = new Map<string, SpeakerLatents>()
const studioByDigest = new Map<string, VoiceParams>()
for (const [name, params] of Object.entries(STUDIO)) {
  const latents = latentsFromSeed(`studio:${name}`)
  studioLatents.set(name, latents)
  studioByDigest.set(latentDigest(latents.speaker_embedding), params)
}

/**
 * `/studio_speakers`' answer: `{name: {speaker_embedding, gpt_cond_latent}}`.
 *
 * @example
 * Object.keys(studioSpeakers()) // ['Claribel Dervla', ...]
 */
export function studioSpeakers(): Record<string, SpeakerLatents> {
  return Object.fromEntries(studioLatents)
}

/**
 * The espeak-ng voice for latents: a studio speaker's own, otherwise one derived from the
 * digest (the same latents, the same voice; different clips, most likely different voices).
 *
 * @example
 * voiceForLatents(studioSpeakers()['Gracie Wise']!.speaker_embedding) // { variant: 'f4', pitch: 0.95 }
 */
export function voiceForLatents(embedding: readonly number[]): VoiceParams {
  const digest = latentDigest(embedding)
  const studio = studioByDigest.get(digest)
  if (studio) return studio
  return voiceForKey(digest)
}

/**
 * The espeak-ng voice for a name that is not a studio speaker (e.g. an OpenAI voice id).
 *
 * @example
 * voiceForName('nova') // Daisy Studious's voice
 */
export function voiceForName(name: string): VoiceParams {
  const studio = STUDIO[OPENAI_VOICES[name] ?? name]
  return studio ?? voiceForKey(createHash('sha256').update(`voice:${name}`).digest('hex'))
}

function voiceForKey(hexDigest: string): VoiceParams {
  const n = Number.parseInt(hexDigest.slice(0, 8), 16)
  return {
    variant: DERIVED_VARIANTS[n % DERIVED_VARIANTS.length] ?? 'm3',
    pitch: 0.7 + (Math.floor(n / DERIVED_VARIANTS.length) % 61) / 100,
  }
}
