/**
 * @module client/speak — `speak()`: one call of the pipeline, then playback. The edge's audio
 * goes to the stream player while it arrives (WAV/PCM through Web Audio in browsers), audio in
 * hand too when the stream player takes its type (no `<audio>` start-up delay on a repeat), and
 * anything else to the whole-file player. A newer interrupting `speak()` cancels earlier ones
 * only, never an app's `synthesize()`. `firstAudioMs` is the player's first audible sample.
 */
import { completeAudio, readAll } from '../edge/complete.ts'
import { AbortedError, ConfigError } from '../errors/index.ts'
import type { EmitterController } from '../events/index.ts'
import type { ClientMetrics } from '../metrics/index.ts'
import type { NormalizedOptions, PlaybackReport } from '../options/index.ts'
import type { Provider } from '../types.ts'
import type { Outcome } from './pipeline.ts'
import type { SpeakOptions, SpeakResult, SynthesizeOptions, TtsClientEvents } from './types.ts'

/** What `speak()` needs of the client. */
export interface SpeakerDeps {
  o: NormalizedOptions
  run: (
    text: string,
    call: SynthesizeOptions,
    signal: AbortSignal,
    forSpeech: boolean,
  ) => Promise<Outcome>
  track: (outer: AbortSignal | undefined) => {
    signal: AbortSignal
    controller: AbortController
    release: () => void
  }
  fail: (error: unknown, operation: 'speak') => unknown
  metrics: ClientMetrics
  events: EmitterController<TtsClientEvents>
}

const round = (ms: number) => Math.round(ms * 10) / 10

/**
 * Builds the client's `speak`.
 *
 * @example
 * const speak = createSpeaker({ o, run, track, fail, metrics, events })
 * await speak('Bonjour')
 */
export function createSpeaker(deps: SpeakerDeps) {
  const { o, run, track, fail, metrics, events } = deps
  const speaking = new Set<AbortController>()
  let playing: Promise<unknown> = Promise.resolve()

  /** Plays the outcome; resolves to the first audible time and the stream player's account. */
  async function play(
    out: Extract<Outcome, { kind: 'audio' | 'stream' }>,
    signal: AbortSignal,
    onStart: (at: number) => void,
  ): Promise<PlaybackReport | undefined> {
    const mimeType = out.kind === 'audio' ? out.result.mimeType : out.meta.mimeType
    if (o.streamPlayer?.canPlay(mimeType)) {
      // Audio in hand goes in slices: the first is scheduled before the rest is decoded.
      const stream = out.kind === 'stream' ? out.body : slices(out.result.audio)
      return o.streamPlayer.play({ stream, mimeType, onStart }, signal)
    }
    const bytes =
      out.kind === 'audio' ? out.result.audio : completeAudio(await readAll(out.body), mimeType)
    if (!o.player) {
      if (out.kind === 'stream') void out.body.cancel().catch(() => {})
      throw new ConfigError([
        {
          field: 'player',
          message:
            'speak() has no player here (Node): pass `player` to createTtsClient, or use synthesize()',
        },
      ])
    }
    await o.player({ bytes, mimeType, onStart }, signal)
    return undefined
  }

  return async function speak(text: string, call: SpeakOptions = {}): Promise<SpeakResult> {
    const called = performance.now()
    if (call.mode !== 'queue')
      for (const c of speaking) c.abort(new AbortedError('interrupted by a newer speak()'))
    const t = track(call.signal)
    speaking.add(t.controller)
    const previous = playing
    const mine = (async (): Promise<SpeakResult> => {
      if (call.mode === 'queue') await previous.catch(() => {})
      if (t.signal.aborted) throw new AbortedError()
      const out = await run(text, call, t.signal, true)
      if (out.kind === 'direct') {
        // Latency is to the hand-off to the device voice, as for bytes it is to the audio in hand.
        const latencyMs = round(performance.now() - out.started)
        await out.engine.speak?.(out.request)
        metrics.success({ provider: 'local', latencyMs, audioSeconds: 0, audioBytes: 0 })
        events.emit('provider', {
          provider: 'local',
          language: out.language,
          latencyMs,
          engine: out.engine.name,
        })
        return {
          mimeType: '',
          format: o.format,
          language: out.language,
          provider: 'local',
          cacheStatus: 'none',
          cached: false,
          latencyMs,
          engine: out.engine.name,
          played: 'device-voice',
        }
      }
      const provider: Provider = out.kind === 'audio' ? out.result.provider : 'edge'
      let firstAudioMs: number | undefined
      const onStart = (at: number) => {
        if (firstAudioMs !== undefined) return
        firstAudioMs = round(Math.max(0, at - called))
        events.emit('playing', { provider, firstAudioMs, streamed: out.kind === 'stream' })
      }
      const playback = await play(out, t.signal, onStart)
      if (t.signal.aborted) throw new AbortedError()
      const meta = out.kind === 'audio' ? withoutAudio(out.result) : out.meta
      return {
        ...meta,
        played: 'audio',
        ...(firstAudioMs === undefined ? {} : { firstAudioMs }),
        ...(playback ? { playback } : {}),
      }
    })()
    playing = mine
    try {
      return await mine
    } catch (error) {
      throw fail(error, 'speak')
    } finally {
      speaking.delete(t.controller)
      t.release()
    }
  }
}

function withoutAudio<T extends { audio: Uint8Array }>(r: T): Omit<T, 'audio'> {
  const { audio: _, ...rest } = r
  return rest
}

const SLICE_BYTES = 16 * 1024

function slices(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let at = 0
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.byteLength) return c.close()
      c.enqueue(bytes.subarray(at, at + SLICE_BYTES))
      at += SLICE_BYTES
    },
  })
}

/**
 * Bytes in hand as a one-chunk stream.
 *
 * @example
 * oneChunk(wav).getReader()
 */
export function oneChunk(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      c.enqueue(bytes)
      c.close()
    },
  })
}
