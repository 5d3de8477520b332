/**
 * @module speech/answer — answers a speech request: the whole answer from cache (HIT), or
 * synthesized (MISS) and then cached. With `stream: true` audio goes out as it is produced;
 * a failure before the first byte is a 5xx problem, after it an aborted body — never a clean
 * end — and the answer is cached only once complete and valid.
 *
 * A stream holds no more than the sentence in flight (issue 9: the edge must not hold whole
 * files when streaming). Its whole-answer entry is built after the stream ended, in
 * `waitUntil`, from the sentence segments it cached (see `assemble.ts` for why it is still
 * stored rather than assembled per request).
 */
import { createEncoder, encodeAudio } from '../encode/index.ts'
import { assembleAnswer } from './assemble.ts'
import type { SpeechContext, Timings } from './context.ts'
import { collectSpeech, type PiecesReport, segmentKeysOf, speechPieces } from './pieces.ts'
import type { PreparedSpeech } from './prepare.ts'
import { audioHeaders, completeAudio } from './respond.ts'
import { planTempo } from './tempo.ts'

/** Time budget of one answer's upstream work (issue 5 brings TTFB and per-length deadlines). */
const DEADLINE_MS = 120_000

/** What the answer reports for the request's METRIC line. */
export interface AnswerReport extends PiecesReport {
  cache: 'HIT' | 'MISS'
  bytes: number
}

const etagOf = (key: string, created: number) => `${key.slice(0, 16)}.${created.toString(36)}`

/**
 * The response to a prepared speech request.
 *
 * @example
 * return answerSpeech(ctx, c.req.raw, prepared, timings, report)
 */
export async function answerSpeech(
  ctx: SpeechContext,
  request: Request,
  prepared: PreparedSpeech,
  timings: Timings,
  report: AnswerReport,
): Promise<Response> {
  const lookupStarted = performance.now()
  const found = await ctx.cache.get(prepared.key)
  timings.cache += performance.now() - lookupStarted
  if ('bytes' in found) {
    report.cache = 'HIT'
    report.bytes = found.bytes.byteLength
    report.audioMs = found.meta.durationMs
    return completeAudio(request, found.bytes, {
      format: prepared.format,
      cache: 'HIT',
      language: prepared.language,
      // No server was asked: label it as the pieces path labels fully cached answers.
      upstream: 'cache',
      etag: found.meta.etag,
      timings,
    })
  }
  report.cache = 'MISS'
  return prepared.stream
    ? streamMiss(ctx, prepared, timings, report)
    : completeMiss(ctx, request, prepared, timings, report)
}

function store(
  ctx: SpeechContext,
  prepared: PreparedSpeech,
  bytes: Uint8Array,
  created: number,
  report: Pick<PiecesReport, 'audioMs' | 'upstream'>,
): Promise<void> {
  return ctx.cache.put(prepared.key, bytes, {
    kind: 'response',
    format: prepared.format,
    language: prepared.language,
    sampleRate: 24_000,
    durationMs: Math.round(report.audioMs),
    created,
    expires: created + ctx.settings.cacheTtlMs,
    etag: etagOf(prepared.key, created),
    upstream: report.upstream ?? 'cache',
  })
}

/**
 * Stores a streamed answer once its segments are readable, built from them; nothing when any
 * is missing. The entry's `created` is later than the stream's, so its ETag is its own.
 */
async function storeStreamed(
  ctx: SpeechContext,
  prepared: PreparedSpeech,
  streamCreated: number,
  segments: Promise<void>[],
  upstream: string | undefined,
): Promise<void> {
  await Promise.all(segments)
  const keys = await segmentKeysOf(ctx, prepared)
  const whole = await assembleAnswer(
    ctx.cache,
    keys,
    prepared.format,
    await planTempo(ctx, prepared),
  )
  if (!whole) {
    ctx.log.warn('a streamed answer was not stored whole: one of its segments is not cached')
    return
  }
  const created = Math.max(Date.now(), streamCreated + 1)
  await store(ctx, prepared, whole.bytes, created, { audioMs: whole.durationMs, upstream })
}

async function completeMiss(
  ctx: SpeechContext,
  request: Request,
  prepared: PreparedSpeech,
  timings: Timings,
  report: AnswerReport,
): Promise<Response> {
  const created = Date.now()
  const audio = await collectSpeech(
    ctx,
    prepared,
    timings,
    report,
    AbortSignal.timeout(DEADLINE_MS),
  )
  const encodeStarted = performance.now()
  const bytes = await encodeAudio(audio.pcm, { ...audio, format: prepared.format })
  timings.encode += performance.now() - encodeStarted
  report.bytes = bytes.byteLength
  ctx.waitUntil(store(ctx, prepared, bytes, created, report))
  const response = completeAudio(request, bytes, {
    format: prepared.format,
    cache: 'MISS',
    language: prepared.language,
    upstream: report.upstream ?? 'cache',
    etag: etagOf(prepared.key, created),
    timings,
  })
  return response
}

async function streamMiss(
  ctx: SpeechContext,
  prepared: PreparedSpeech,
  timings: Timings,
  report: AnswerReport,
): Promise<Response> {
  const created = Date.now()
  const abort = new AbortController()
  const signal = AbortSignal.any([abort.signal, AbortSignal.timeout(DEADLINE_MS)])
  // Only the writes of new segments are kept (to wait for before assembling), never audio.
  const segments: Promise<void>[] = []
  let sentBytes = 0

  async function* encoded(): AsyncGenerator<Uint8Array> {
    let encoder: Awaited<ReturnType<typeof createEncoder>> | undefined
    try {
      for await (const chunk of speechPieces(ctx, prepared, timings, report, signal, segments)) {
        encoder ??= await createEncoder(prepared.format, {
          sampleRate: chunk.sampleRate,
          channels: 1,
        })
        const started = performance.now()
        const out = encoder.push(chunk.pcm)
        timings.encode += performance.now() - started
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
    ctx.waitUntil(storeStreamed(ctx, prepared, created, segments, report.upstream))
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
        ctx.log.warn(
          'speech stream failed after the first byte; the body is aborted, nothing cached',
          {
            code: (error as { code?: string }).code ?? 'unknown',
          },
        )
        controller.error(error)
      }
    },
    async cancel() {
      abort.abort(new Error('the caller went away'))
      await iterator.return(undefined)
    },
  })
  const headers = audioHeaders({
    format: prepared.format,
    cache: 'MISS',
    language: prepared.language,
    upstream: report.upstream ?? 'cache',
    etag: etagOf(prepared.key, created),
    timings,
  })
  return new Response(body, { status: 200, headers })
}
