/**
 * @module client/types — what an app sees of the client: call options, results, events and
 * the `TtsClient` interface.
 */
import type { XttsLanguage } from '@tts/core/lang'
import type { Logger } from '@tts/core/log'
import type { MetricsSnapshot as CoreMetricsSnapshot } from '@tts/core/metrics'
import type { CircuitState } from '@tts/core/resilience'
import type { CacheStats } from '../cache/index.ts'
import type { Emitter } from '../events/index.ts'
import type { MetricsSnapshot } from '../metrics/index.ts'
import type { PlaybackReport } from '../options/index.ts'
import type { AudioFormat, Provider, SynthesizeResult } from '../types.ts'

/** Options of one `synthesize()` / `speak()` call. */
export interface SynthesizeOptions {
  /** `'auto'` (default) detects the language; any other value is a voice name for the edge. */
  voice?: string
  /** An XTTS language or a BCP-47 tag; skips detection. */
  language?: string
  /** 0.25–4.0. Default 1. */
  speed?: number
  /**
   * 0.5–2.0, default 1: the voice's pitch factor, duration kept. The edge does it (for any
   * upstream); local engines map it as before.
   */
  pitch?: number
  format?: AudioFormat
  signal?: AbortSignal
  /**
   * `false`: keep nothing of this call, for text that must not be left behind (a user's
   * message, a one-off answer). The local cache is neither read nor written, and the edge is
   * asked with `Cache-Control: no-store`: it reads and keeps nothing either, and sends the
   * whole text upstream as one call. Default `true`.
   */
  store?: boolean
}

/** Options of `speak()`. */
export interface SpeakOptions extends SynthesizeOptions {
  /** What a `speak` does while another plays: stop it (default) or wait its turn. */
  mode?: 'interrupt' | 'queue'
}

/** What `speak()` resolves to once playback ended. */
export type SpeakResult = Omit<SynthesizeResult, 'audio'> & {
  played: 'audio' | 'device-voice'
  /** From the `speak()` call to the first audible sample, when the player could tell. */
  firstAudioMs?: number
  /** The stream player's account (scheduled frames, joins), when the audio was streamed. */
  playback?: PlaybackReport
}

/** The edge's audio as it arrives (`tts.stream()`), with what is known at its first byte. */
export type SpeechStream = Omit<SynthesizeResult, 'audio'> & {
  /** Errors with `StreamInterruptedError` when the edge cuts it; cancel it to stop the request. */
  body: ReadableStream<Uint8Array>
}

/** Why the client spoke locally. */
export interface FallbackEvent {
  /**
   * The failure's code: `circuit_open`, `timeout`, `network_error`, `upstream_unavailable`...;
   * `quota_exceeded` / `rate_limited` (the edge refused for a limit: `error` is an
   * `EdgeLimitError` with `retryAfterMs` and `limits`), `input_rejected` (the edge is up but its
   * model cannot say this text: `error` is an `InputRejectedError`).
   */
  reason: string
  /** A message fit for a user. */
  message: string
  error: unknown
  /** The edge's `Retry-After`, in ms, when it sent one; while held off, the time left. */
  retryAfterMs?: number
  /**
   * Until when (the client's clock, ms since the epoch) calls skip the edge and speak locally,
   * after a `quota_exceeded` / `rate_limited` refusal with `Retry-After`; the first call after
   * it asks the edge again.
   */
  heldOffUntil?: number
  /** The edge's request id, when it answered: for a support ticket. */
  requestId?: string
}

/** Events of the client; `on()` returns the unsubscribe function. */
export interface TtsClientEvents {
  [name: string]: unknown
  provider: { provider: Provider; language: XttsLanguage; latencyMs: number; engine?: string }
  fallback: FallbackEvent
  breaker: { from: CircuitState; to: CircuitState; at: number }
  error: { error: unknown; operation: 'synthesize' | 'speak' | 'warm' | 'cache' }
  /** A warm flush: phrases sent, of which the edge `queued` now and `duplicates` it had queued. */
  warm: { sent: number; queued: number; duplicates: number }
  /** Audio starts: `firstAudioMs` from the `speak()` call to the first audible sample. */
  playing: { provider: Provider; firstAudioMs: number; streamed: boolean }
}

/** The client; see `createTtsClient`. */
export interface TtsClient extends Emitter<TtsClientEvents> {
  synthesize(text: string, options?: SynthesizeOptions): Promise<SynthesizeResult>
  speak(text: string, options?: SpeakOptions): Promise<SpeakResult>
  /**
   * The audio as a stream, resolved once its first bytes are in (edge), or at once (local
   * cache, local engine): for servers that pipe speech onward. Only a stream read to its end
   * is cached.
   */
  stream(text: string, options?: SynthesizeOptions): Promise<SpeechStream>
  /** Stops what is playing and cancels what is in flight or queued. */
  stop(): void
  /**
   * `snapshot()` of the seed's figures; `toPrometheus()`; `emit(logger)` writes METRIC lines;
   * `toCoreSnapshot()` is core's snapshot shape, for a core registry's `merge()`.
   */
  readonly metrics: {
    snapshot(): MetricsSnapshot
    toPrometheus(): string
    emit(logger: Logger): void
    toCoreSnapshot(): CoreMetricsSnapshot
  }
  readonly cache: { stats(): Promise<CacheStats | undefined>; clear(): Promise<void> }
  readonly breaker: { readonly state: CircuitState }
  /** Sends the texts spoken locally to the edge's prefetch; resolves to how many were sent. */
  warm(): Promise<number>
  /** Items waiting to be warmed. */
  pendingWarm(): Promise<number>
}
