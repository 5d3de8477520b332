/**
 * @module upstream/types — the one interface every upstream adapter implements and the
 * Durable Object pool (issue 5) wraps: synthesize, list voices and languages, clone a voice.
 */
import type { PcmStream } from './wav-stream.ts'

/** XTTS speaker latents (what `/clone_speaker` returns and `/studio_speakers` lists). */
export interface Latents {
  speaker_embedding: number[]
  gpt_cond_latent: number[][]
}

/** The voice a synthesis uses: a named upstream speaker or cloned latents. */
export type VoiceRef =
  | { kind: 'speaker'; name: string }
  | { kind: 'latents'; id: string; latents: Latents }

/** One synthesis: a piece of text under the language's character limit. */
export interface SynthesisRequest {
  text: string
  language: string
  voice: VoiceRef
  speed: number
  /** Prefer the upstream's streaming endpoint (first audio sooner). */
  stream: boolean
}

/** The audio of a synthesis as it arrives, and where it came from. */
export interface SynthesisResult extends PcmStream {
  /** Adapter name and upstream origin, for logs (the pool answers callers with its name). */
  upstream: string
}

/** An upstream voice as listed by `GET /v1/voices`. */
export interface UpstreamVoice {
  id: string
  name: string
}

/**
 * An upstream TTS server behind one adapter.
 *
 * @example
 * const result = await synthesizer.synthesize({ text, language: 'en', voice, speed: 1, stream: true }, { signal })
 * for await (const pcm of result.chunks) send(pcm)
 */
export interface Synthesizer {
  /** `xtts-streaming` or `openai`. */
  readonly adapter: string
  /** Model id that goes into cache keys. */
  readonly model: string
  /** True when the upstream honours `speed` itself; else the edge time-scales (issue 15). */
  readonly nativeSpeed?: boolean
  /**
   * Synthesizes `request`; `key`, when the caller has one (the segment's cache key), names it
   * for the pool's single-flight so it is not hashed again. Aborting `signal` stops the call
   * and its reading. `leave` says the caller went away: a call still waiting for an upstream
   * slot is dropped, one the upstream already works on goes on, so its audio is cached for the
   * next caller (only the pool queues; a direct adapter ignores it).
   */
  synthesize(
    request: SynthesisRequest,
    options: { signal?: AbortSignal; key?: string; leave?: AbortSignal },
  ): Promise<SynthesisResult>
  /**
   * Loads what a synthesis for `voice` needs before its first byte can come (the speaker
   * latents of an XTTS server), so that time is not counted against the first-byte limit.
   */
  prepare?(voice: VoiceRef, options: { signal?: AbortSignal }): Promise<void>
  /** Speakers the upstream offers (studio speakers or OpenAI voice names). */
  voices(options: { signal?: AbortSignal }): Promise<UpstreamVoice[]>
  languages(options: { signal?: AbortSignal }): Promise<string[]>
  /** Clone a voice from a WAV reference clip. */
  cloneVoice(wav: Uint8Array, options: { signal?: AbortSignal }): Promise<Latents>
  /** A stable digest of a voice's identity (its latents when the upstream has them). */
  voiceIdentity(voice: VoiceRef, options: { signal?: AbortSignal }): Promise<string>
}
