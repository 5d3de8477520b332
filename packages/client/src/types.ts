/**
 * @module types — the shapes shared by the client's features: formats, providers, the result of
 * a synthesis, and the local-engine contract.
 */
import type { XttsLanguage } from '@tts/core/lang'

/** Audio formats the client asks the edge for. */
export type AudioFormat = 'wav' | 'pcm' | 'mp3' | 'opus'

/** Who produced the audio: the edge, the local encrypted cache, or a local engine. */
export type Provider = 'edge' | 'cache' | 'local'

/**
 * The edge's `X-TTS-Cache` verdict in lower case (`bypass`: a `store: false` call, nothing
 * looked up or kept), `hit` for a local cache hit, `none` for local speech.
 */
export type CacheStatus = 'hit' | 'miss' | 'coalesced' | 'stale' | 'bypass' | 'none'

/** What `synthesize()` resolves to. */
export interface SynthesizeResult {
  audio: Uint8Array
  mimeType: string
  format: AudioFormat
  language: XttsLanguage
  provider: Provider
  cacheStatus: CacheStatus
  /** True when nobody synthesized it for this call (local cache hit, or an edge HIT/STALE). */
  cached: boolean
  /** From the call to the audio in hand, in ms; for the edge's stream, to its first bytes. */
  latencyMs: number
  /** Name of the local engine, when `provider` is `local`. */
  engine?: string
}

/** What a local engine is asked to say. */
export interface LocalSpeechRequest {
  text: string
  language: XttsLanguage
  /** BCP-47 locale for the language (`ar-SA`, `fr-FR`), to choose a device voice. */
  locale: string
  /** 0.25–4.0, 1 is normal. */
  speed: number
  /** 0.5–2, 1 is normal. */
  pitch: number
  signal?: AbortSignal
}

/** Audio a local engine rendered. */
export interface LocalAudio {
  audio: Uint8Array
  mimeType: string
  format: AudioFormat
}

/**
 * A local speech engine. Engines that render bytes implement `synthesize`; engines that can only
 * speak aloud (Web Speech) implement `speak`. `isAvailable()` is cheap after its first call.
 */
export interface LocalEngine {
  readonly name: string
  isAvailable(): Promise<boolean>
  synthesize?(request: LocalSpeechRequest): Promise<LocalAudio>
  /** Speaks aloud and resolves when done; rejects with an abort when `signal` fires. */
  speak?(request: LocalSpeechRequest): Promise<void>
}
