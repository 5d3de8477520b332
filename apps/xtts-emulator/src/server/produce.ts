/**
 * @module server/produce — one synthesis on the emulated GPU: sentence by sentence through
 * espeak-ng, cut into chunks, each handed out when the latency model says it is ready.
 */
import { concatSamples, XTTS_SAMPLE_RATE } from '@tts/core/audio'
import type { VoiceParams } from '../speakers/index.ts'
import { sleep } from './http.ts'
import { nextDue } from './pacing.ts'
import type { SynthesisContext } from './synthesis.ts'

/** What to synthesize, in which voice, cut into chunks of how many samples. */
export interface Job {
  /** The route that asked for it (`/tts_stream`, `/tts`, `/v1/audio/speech`), for the stats. */
  route: string
  text: string
  language: string
  voice: VoiceParams
  speed: number
  chunkSamples: number
}

// Sentences, so that the first audio is ready after the first sentence, not the whole text:
// espeak-ng's synthesis is synchronous and, on a busy machine, only ~10-20× faster than real time.
function sentences(text: string, language: string): string[] {
  const segmenter = new Intl.Segmenter(language === 'zh-cn' ? 'zh' : language, {
    granularity: 'sentence',
  })
  const out = [...segmenter.segment(text)].map((s) => s.segment.trim()).filter((s) => s !== '')
  return out.length > 0 ? out : [text]
}

/**
 * Takes the GPU, synthesizes sentence by sentence, and hands each chunk to `emit` when the
 * latency model says it is ready (or when it exists, if synthesis is the slower of the two).
 * Stops early when `emit` returns false (the connection is gone).
 */
export async function produce(
  ctx: SynthesisContext,
  signal: AbortSignal,
  job: Job,
  emit: (chunk: Int16Array, index: number) => Promise<boolean>,
): Promise<void> {
  const release = await ctx.gpu.acquire(signal)
  let produced = 0
  try {
    const startedAt = performance.now()
    const pieces = sentences(job.text, job.language)
    let pending: Int16Array = new Int16Array(0)
    let index = 0
    let due: number | undefined
    for (const [p, piece] of pieces.entries()) {
      const { pcm } = await ctx.engine.synthesize(piece, {
        language: job.language,
        speed: job.speed,
        pitch: job.voice.pitch,
        variant: job.voice.variant,
        sampleRate: XTTS_SAMPLE_RATE,
      })
      produced += pcm.length
      pending = concatSamples([pending, pcm])
      const last = p === pieces.length - 1
      while (pending.length >= job.chunkSamples || (last && pending.length > 0)) {
        const chunk = pending.subarray(0, job.chunkSamples)
        pending = pending.subarray(chunk.length)
        due = nextDue(due, chunk.length / XTTS_SAMPLE_RATE, ctx.latency)
        await sleep(startedAt + due - performance.now(), signal)
        if (!(await emit(chunk, index++))) return
      }
      // Let the sockets breathe between sentences.
      await new Promise((resolve) => setImmediate(resolve))
    }
  } finally {
    if (produced > 0) {
      ctx.stats.synthesis(produced / XTTS_SAMPLE_RATE, { text: job.text, route: job.route })
    }
    release()
  }
}
