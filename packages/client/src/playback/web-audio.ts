/**
 * @module playback/web-audio — the browser's streaming player: WAV/PCM bytes decoded as they
 * arrive (`pcm-decoder.ts`) and scheduled as back-to-back `AudioBufferSourceNode`s on one
 * `AudioContext`, each starting on the exact output frame where the previous one ends, so joins
 * are gapless. Scheduled buffers rather than an AudioWorklet: no worklet module to load (one
 * more request and ~2 KB before the first sound) and the scheduled times can be checked.
 *
 * The first audible moment is the first non-silent sample's context time, mapped to
 * `performance.now()` through `getOutputTimestamp()` (which accounts for output latency).
 */
import { AbortedError } from '../errors/index.ts'
import type { PlaybackReport, StreamPlayer } from '../options/index.ts'
import { createPcmDecoder } from './pcm-decoder.ts'

/** Options of `webAudioStreamPlayer`. */
export interface WebAudioStreamPlayerOptions {
  /** The context to play on; default one `AudioContext` made on first use. */
  context?: () => AudioContext
  /** How far ahead of "now" a buffer is scheduled when nothing is queued. Default 30 ms. */
  leadMs?: number
}

const STREAMABLE = new Set(['audio/wav', 'audio/x-wav', 'audio/pcm', 'audio/L16'])
/** About -54 dBFS: below it a sample is silence, not "first audio". */
const SILENCE = 64 / 32768

/**
 * Plays WAV and PCM streams through Web Audio while they arrive.
 *
 * @example
 * createTtsClient({ endpoint, streamPlayer: webAudioStreamPlayer() })
 */
export function webAudioStreamPlayer(options: WebAudioStreamPlayerOptions = {}): StreamPlayer {
  let shared: AudioContext | undefined
  const lead = (options.leadMs ?? 30) / 1000
  const contextOf = () => {
    if (options.context) return options.context()
    shared ??= new AudioContext({ latencyHint: 'interactive' })
    return shared
  }
  return {
    canPlay: (mimeType) => STREAMABLE.has(mimeType),
    async play({ stream, mimeType, onStart }, signal) {
      const ctx = contextOf()
      const reader = stream.getReader()
      const out = ctx.createGain()
      out.connect(ctx.destination)
      const sources = new Set<AudioBufferSourceNode>()
      const rate = ctx.sampleRate
      const decoder = createPcmDecoder(mimeType, rate)
      const report: PlaybackReport = {
        firstAudioAt: undefined,
        frames: 0,
        sampleRate: rate,
        sourceFrames: 0,
        sourceRate: 0,
        underruns: 0,
        misjoins: 0,
      }
      let nextFrame = -1
      let lastEnd = -1
      let ended: Promise<void> = Promise.resolve()
      const stopAll = () => {
        for (const s of sources) s.stop()
        sources.clear()
        out.disconnect()
      }
      const aborted = new Promise<never>((_, reject) => {
        const onAbort = () => {
          stopAll()
          void reader.cancel(signal.reason).catch(() => {})
          reject(new AbortedError('playback was stopped', signal.reason))
        }
        if (signal.aborted) onAbort()
        else signal.addEventListener('abort', onAbort, { once: true })
      })
      aborted.catch(() => {})

      const schedule = (samples: Float32Array) => {
        // After a stop, a read already under way still delivers its chunk (and the decoder its
        // tail): scheduling it would leave a source running past the stop.
        if (samples.length === 0 || signal.aborted) return
        const buffer = ctx.createBuffer(1, samples.length, rate)
        buffer.copyToChannel(samples as Float32Array<ArrayBuffer>, 0)
        const source = ctx.createBufferSource()
        source.buffer = buffer
        source.connect(out)
        const earliest = Math.ceil((ctx.currentTime + lead) * rate)
        if (nextFrame < earliest) {
          if (nextFrame >= 0) report.underruns++
          nextFrame = earliest
        }
        const when = nextFrame / rate
        if (lastEnd >= 0 && Math.abs(when - lastEnd) * rate > 0.5) report.misjoins++
        source.start(when)
        lastEnd = when + samples.length / rate
        sources.add(source)
        ended = new Promise((resolve) => {
          source.onended = () => {
            sources.delete(source)
            resolve()
          }
        })
        if (report.firstAudioAt === undefined) {
          const i = samples.findIndex((x) => Math.abs(x) >= SILENCE)
          if (i >= 0) {
            report.firstAudioAt = toPerformanceTime(ctx, (nextFrame + i) / rate)
            onStart?.(report.firstAudioAt)
          }
        }
        nextFrame += samples.length
        report.frames += samples.length
      }

      const feed = async () => {
        // A context made outside a user gesture starts suspended; resume() waits for one.
        if (ctx.state === 'suspended') await ctx.resume()
        for (;;) {
          const r = await reader.read()
          if (r.done) break
          schedule(decoder.push(r.value))
        }
        schedule(decoder.end())
      }
      let failure: unknown
      try {
        await Promise.race([feed(), aborted])
      } catch (error) {
        if (signal.aborted) throw new AbortedError('playback was stopped', signal.reason)
        // A cut stream: what arrived plays to its end, then the caller hears why it stopped.
        failure = error
      }
      report.sourceFrames = decoder.sourceFrames
      report.sourceRate = decoder.sourceRate
      await Promise.race([ended, aborted])
      out.disconnect()
      if (failure !== undefined) throw failure
      return report
    },
  }
}

/** True where `webAudioStreamPlayer` can work. */
export function canStreamInPage(): boolean {
  return typeof globalThis.AudioContext === 'function'
}

/** `performance.now()` time at which context time `t` is heard. */
function toPerformanceTime(ctx: AudioContext, t: number): number {
  const stamp = ctx.getOutputTimestamp?.()
  if (stamp?.performanceTime && stamp.contextTime !== undefined) {
    return stamp.performanceTime + (t - stamp.contextTime) * 1000
  }
  return performance.now() + (t - ctx.currentTime + (ctx.baseLatency ?? 0)) * 1000
}
