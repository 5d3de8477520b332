/**
 * @module speech/answer — a prepared speech request as an HTTP answer. A whole answer is
 * `synthesizeToCache`'s audio with headers (HIT or MISS; its storing goes to `waitUntil`).
 * With `stream: true` audio goes out as it is produced; a failure before the first byte is a
 * 5xx problem, after it an aborted body — never a clean end — and the answer is cached only
 * once complete and valid.
 *
 * A stream holds no more than the sentence in flight (issue 9: the edge must not hold whole
 * files when streaming). Its whole-answer entry is built after the stream ended, in
 * `waitUntil`, from the sentence segments it cached (see `assemble.ts` for why it is still
 * stored rather than assembled per request).
 */
import { NOT_LOOKED_UP } from '../cache/store.ts'
import { createEncoder } from '../encode/index.ts'
import type { StreamEnd } from '../observe/outcome.ts'
import { assembleAnswer } from './assemble.ts'
import type { SpeechContext } from './context.ts'
import { newTally, planSegments, type SpeechPlan, speechPieces } from './pieces.ts'
import type { PreparedSpeech } from './prepare.ts'
import { audioHeaders, completeAudio } from './respond.ts'
import {
  DEADLINE_MS,
  etagOf,
  leavingWith,
  type SpeechReport,
  storeAnswer,
  synthesizeToCache,
} from './synthesize.ts'

/** An answer and what making it found out (a stream's figures grow until its end). */
export interface SpeechAnswer {
  response: Response
  report: SpeechReport
  /**
   * A stream's end, once its body was sent whole, broke, or its caller cancelled it; absent
   * for a whole answer, which is complete when it is answered.
   */
  ended?: Promise<StreamEnd>
}

/**
 * The response to a prepared speech request.
 *
 * @example
 * const { response, report } = await answerSpeech(ctx, c.req.raw, prepared)
 */
export async function answerSpeech(
  ctx: SpeechContext,
  request: Request,
  prepared: PreparedSpeech,
): Promise<SpeechAnswer> {
  const lookupStarted = performance.now()
  const kept = prepared.store !== false
  const early = prepared.stream && kept && !ctx.cache.holds(prepared.key)
  const planned = early ? planAndLookFirst(ctx, prepared) : undefined
  const found = kept ? await ctx.cache.get(prepared.key) : NOT_LOOKED_UP
  const ms = performance.now() - lookupStarted
  if (prepared.stream && !('bytes' in found))
    return streamMiss(ctx, request.signal, prepared, ms, planned)
  const whole = await synthesizeToCache(ctx, prepared, {
    looked: { found, ms },
    leave: request.signal,
  })
  ctx.waitUntil(whole.stored)
  const response = completeAudio(request, whole.bytes, {
    format: prepared.format,
    cache: whole.report.cache,
    language: prepared.language,
    upstream: whole.upstream,
    etag: whole.etag,
    timings: whole.report.timings,
  })
  return { response, report: whole.report }
}

/**
 * A stream's plan with its first sentence's lookup already under way, started beside the
 * whole answer's lookup (issue 17): when the answer is not cached, the first sentence's lookup
 * no longer follows it, and the upstream is asked one cache round trip sooner — two R2 reads
 * in a row were the slowest work before a long answer's first audio. What it costs: a stream
 * answered from the Cache API or R2 also splits and hashes its sentences and reads its first
 * sentence's entry, unused (one the isolate holds in memory does not: see `answerSpeech`).
 * Ignored, it must not reject unheard.
 */
function planAndLookFirst(ctx: SpeechContext, prepared: PreparedSpeech): Promise<SpeechPlan> {
  const planned = planSegments(ctx, prepared).then((plan) => {
    const first = plan.segments[0]
    if (!first) return plan
    const firstLookup = ctx.cache.get(first.key)
    firstLookup.catch(() => {})
    return { ...plan, firstLookup }
  })
  planned.catch(() => {})
  return planned
}

/**
 * Stores a streamed answer once its segments are readable, built from them; nothing when any
 * is missing. The entry's `created` is later than the stream's, so its ETag is its own.
 */
async function storeStreamed(
  ctx: SpeechContext,
  prepared: PreparedSpeech,
  plan: SpeechPlan,
  streamCreated: number,
  segments: Promise<void>[],
  upstream: string | undefined,
): Promise<void> {
  await Promise.all(segments)
  const keys = plan.segments.map((s) => s.key)
  const whole = await assembleAnswer(ctx.cache, keys, prepared.format, plan.tempo)
  if (!whole) {
    ctx.log.warn('a streamed answer was not stored whole: one of its segments is not cached')
    return
  }
  const created = Math.max(Date.now(), streamCreated + 1)
  await storeAnswer(ctx, prepared, whole.bytes, created, {
    audioMs: whole.durationMs,
    upstream,
    sampleRate: whole.sampleRate,
  })
}

/**
 * A stream's caller leaves by closing the connection (`request.signal`, also before the first
 * byte) or by cancelling the body. Either way, as for a whole file: its sentences still waiting
 * for a slot leave the pool's queue, no new one is asked, and a sentence the upstream already
 * works on is finished and cached (see `speechPieces`' `leave`); only a failure or the deadline
 * cuts a read, and a cut read is never cached.
 */
async function streamMiss(
  base: SpeechContext,
  callerSignal: AbortSignal,
  prepared: PreparedSpeech,
  cacheMs: number,
  /** The plan, when `answerSpeech` made it beside its lookup. */
  planned?: Promise<SpeechPlan>,
): Promise<SpeechAnswer> {
  const kept = prepared.store !== false
  const report: SpeechReport = { ...newTally(), cache: kept ? 'MISS' : 'BYPASS', bytes: 0 }
  report.timings.cache += cacheMs
  const created = Date.now()
  const cancelled = new AbortController()
  const leave = AbortSignal.any([callerSignal, cancelled.signal])
  const ctx = leavingWith(base, leave)
  const signal = AbortSignal.timeout(DEADLINE_MS)
  const plan = await (planned ?? planSegments(ctx, prepared))
  // Only the writes of new segments are kept (to wait for before assembling), never audio.
  const segments: Promise<void>[] = []
  let sentBytes = 0
  let settle: (end: StreamEnd) => void = () => {}
  const ended = new Promise<StreamEnd>((resolve) => {
    settle = resolve
  })

  async function* encoded(): AsyncGenerator<Uint8Array> {
    let encoder: Awaited<ReturnType<typeof createEncoder>> | undefined
    try {
      const pieces = speechPieces(ctx, prepared, plan, report, signal, segments, leave)
      for await (const chunk of pieces) {
        encoder ??= await createEncoder(prepared.format, {
          sampleRate: chunk.sampleRate,
          channels: 1,
        })
        const started = performance.now()
        const out = encoder.push(chunk.pcm)
        report.timings.encode += performance.now() - started
        if (out.byteLength > 0) yield out
      }
      const tail = encoder?.end()
      encoder = undefined
      if (tail && tail.byteLength > 0) yield tail
    } finally {
      encoder?.abort()
    }
  }

  const iterator = encoded()
  // Pull the first bytes before answering: a failure until then is still a clean problem.
  const first = await iterator.next()
  const finish = () => {
    report.bytes = sentBytes
    if (kept) ctx.waitUntil(storeStreamed(ctx, prepared, plan, created, segments, report.upstream))
    settle({ outcome: 'success' })
  }
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      if (first.done) {
        finish()
        controller.close()
        return
      }
      sentBytes += first.value.byteLength
      controller.enqueue(first.value)
    },
    async pull(controller) {
      try {
        const next = await iterator.next()
        if (next.done) {
          finish()
          controller.close()
          return
        }
        sentBytes += next.value.byteLength
        controller.enqueue(next.value)
      } catch (error) {
        // The caller left while this read waited: its own doing, not a broken stream (nor an
        // end: gone with the connection, the body is errored so it is never taken as whole).
        if (leave.aborted) {
          settle({ outcome: 'client_closed' })
          if (!cancelled.signal.aborted) controller.error(leave.reason)
          return
        }
        const code = (error as { code?: string }).code ?? 'unknown'
        ctx.log.warn(
          'speech stream failed after the first byte; the body is aborted, nothing cached',
          { code },
        )
        settle({ outcome: 'error', code })
        controller.error(error)
      }
    },
    async cancel() {
      settle({ outcome: 'client_closed' })
      cancelled.abort(new Error('the caller went away'))
      await iterator.return(undefined)
    },
  })
  const headers = audioHeaders({
    format: prepared.format,
    cache: report.cache,
    language: prepared.language,
    upstream: report.upstream ?? 'cache',
    etag: etagOf(prepared.key, created),
    timings: report.timings,
  })
  return { response: new Response(body, { status: 200, headers }), report, ended }
}
