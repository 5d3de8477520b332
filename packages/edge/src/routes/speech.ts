/**
 * @module routes/speech — `POST /v1/audio/speech` (OpenAI-compatible, plus `language`,
 * `pitch` and `stream`), the same as `GET` with query parameters (for `<audio src>`), and
 * `POST /v1/audio/speech/prefetch` (202, synthesized through the Queue).
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { requireScope } from '../auth/index.ts'
import { countCacheLookup } from '../cache/counters.ts'
import { isSupportedFormat, type ResponseFormat, SUPPORTED_FORMATS } from '../encode/index.ts'
import type { AppEnv } from '../env.ts'
import { metrics } from '../observe/index.ts'
import { callerLeft, recordClientClosed, recordStreamEnd } from '../observe/outcome.ts'
import { ProblemError } from '../problem/index.ts'
import { queuePrefetch } from '../queue/prefetch.ts'
import { quotaHeaders } from '../quota/index.ts'
import { answerSpeech, type SpeechAnswer } from '../speech/answer.ts'
import { resolveLanguage } from '../speech/language.ts'
import { newTally } from '../speech/pieces.ts'
import { resolveVoice, type SpeechInput } from '../speech/prepare.ts'
import { prepareSpeechRemembered } from '../speech/prepared-memo.ts'
import { toSse } from '../speech/sse.ts'
import { labelAnswer, whenNothingServes } from '../speech/unserved.ts'
import { wireSpeech } from '../speech/wire.ts'
import { validationHook } from './hook.ts'
import { AUTHED, problemResponses } from './problems.ts'
import { QUOTA_HEADERS } from './quota-headers.ts'
import {
  type PrefetchItemSchema,
  PrefetchSchema,
  QuerySchema,
  SpeechRequestSchema,
} from './speech-schema.ts'

const problems = problemResponses([400, 413, 415, 416, 422, ...AUTHED, 502, 503, 504])
// A key over its work quota learns where it stands from the same headers as a success.
const limited = { ...problems[429], headers: QUOTA_HEADERS }

const audio = Object.fromEntries(
  SUPPORTED_FORMATS.map((f) => [
    f === 'opus' ? 'audio/ogg' : `audio/${f === 'mp3' ? 'mpeg' : f}`,
    { schema: z.string().openapi({ format: 'binary' }) },
  ]),
)

const audioOrEvents = {
  ...audio,
  'text/event-stream': {
    schema: z.string().openapi({
      description:
        'With `stream_format: "sse"`: `data: {"type":"speech.audio.delta","audio":"<base64>"}` events, then `data: {"type":"speech.audio.done","usage":{...}}`',
    }),
  },
}

// Documented, not validated: any other directive is ignored, as HTTP caches do.
const CacheControlHeader = z.object({
  'cache-control': z.string().optional().openapi({
    description:
      "`no-store`: keep nothing of this answer — no cache layer is read or written (`X-TTS-Cache: BYPASS`, answered with `Cache-Control: no-store`), nothing is queued for later, no stale copy is served — and the whole text goes upstream as one call instead of sentence by sentence (a long text then takes the upstream's time to first audio once). Other directives are ignored.",
    example: 'no-store',
  }),
})

const speechRoute = createRoute({
  method: 'post',
  path: '/v1/audio/speech',
  summary: 'Synthesize speech (OpenAI-compatible)',
  security: [{ bearer: [] }],
  request: {
    headers: CacheControlHeader,
    body: { required: true, content: { 'application/json': { schema: SpeechRequestSchema } } },
  },
  responses: {
    200: { description: 'Audio', content: audioOrEvents, headers: QUOTA_HEADERS },
    ...problems,
    429: limited,
  },
})

const speechGetRoute = createRoute({
  method: 'get',
  path: '/v1/audio/speech',
  summary: 'Synthesize speech from query parameters (for <audio src>)',
  security: [{ bearer: [] }, { browserToken: [] }],
  request: { headers: CacheControlHeader, query: QuerySchema },
  responses: {
    200: { description: 'Audio', content: audio, headers: QUOTA_HEADERS },
    ...problems,
    429: limited,
  },
})

const prefetchRoute = createRoute({
  method: 'post',
  path: '/v1/audio/speech/prefetch',
  summary: 'Warm the cache for phrases (synthesized later, through the Queue)',
  security: [{ bearer: [] }],
  request: {
    body: { required: true, content: { 'application/json': { schema: PrefetchSchema } } },
  },
  responses: {
    202: {
      description:
        'Accepted. Items identical to one in this request or still queued are not queued again (`duplicates`); the characters of the queued ones are charged to the key’s quota, and refunded for sentences found cached.',
      headers: QUOTA_HEADERS,
      content: {
        'application/json': {
          schema: z.object({ queued: z.number(), duplicates: z.number() }),
        },
      },
    },
    ...problemResponses([400, 413, 415, ...AUTHED]),
    429: { ...problemResponses([429])[429], headers: QUOTA_HEADERS },
  },
})

// AAC is the one OpenAI format we refuse: no AAC encoder runs in a Worker (see encode/index.ts).
const AAC_NOTE = '; aac is not offered because no AAC encoder runs in a Worker'

function checkFormat(format: string): ResponseFormat {
  if (isSupportedFormat(format)) return format
  throw new ProblemError(
    'unsupported_format',
    `response_format "${format}" is not supported; use one of ${SUPPORTED_FORMATS.join(', ')}${format === 'aac' ? AAC_NOTE : ''}`,
    { details: { supported: [...SUPPORTED_FORMATS] }, param: 'response_format' },
  )
}

/** The speech context of a request. */
function speechContext(c: Context<AppEnv>) {
  return wireSpeech({
    env: c.env,
    principal: c.get('principal'),
    log: c.get('log'),
    waitUntil: (p) => c.executionCtx.waitUntil(p),
  })
}

/** `Cache-Control: no-store` among the request's directives (RFC 9111 §5.2.1.5). */
function noStore(header: string | undefined): boolean {
  return (header ?? '').split(',').some((d) => d.trim().toLowerCase() === 'no-store')
}

async function speak(
  c: Context<AppEnv>,
  body: z.infer<typeof SpeechRequestSchema>,
): Promise<Response> {
  const started = performance.now()
  const format = checkFormat(body.response_format)
  const { ctx, pool } = await speechContext(c)
  const input: SpeechInput = {
    input: body.input,
    voice: body.voice,
    language: body.language,
    languageHint: body.language_hint,
    format,
    speed: body.speed,
    pitch: body.pitch,
    // Either OpenAI form streams; `sse` is only a wrapping of the same audio (speech/sse.ts).
    stream: body.stream || body.stream_format !== undefined,
  }
  const remembered = await prepareSpeechRemembered(ctx, input)
  const prepared = noStore(c.req.header('cache-control'))
    ? { ...remembered, store: false as const }
    : remembered
  const answer: SpeechAnswer = await answerSpeech(ctx, c.req.raw, prepared).catch(
    async (error: unknown) => {
      // A caller who went away wants no stale copy, and what it left queued at the pool was
      // dropped on purpose: queueing it for later would bring it back (app.ts logs the 499).
      if (callerLeft(c.req.raw)) throw error
      return {
        response: await whenNothingServes(ctx, c.req.raw, prepared, input, error),
        report: { ...newTally(), cache: 'MISS' as const, bytes: 0 },
      }
    },
  )
  const { report, ended } = answer
  const audioAnswer = labelAnswer(answer.response, pool)
  const response = body.stream_format === 'sse' ? toSse(audioAnswer) : audioAnswer
  for (const [name, value] of Object.entries(quotaHeaders(report.quota ?? []))) {
    response.headers.set(name, value)
  }
  const latencyMs = performance.now() - started
  // A no-store answer looked nothing up: it is neither a hit nor a miss of the cache.
  const looked = report.cache !== 'BYPASS'
  if (looked) metrics.recordCache(report.cache === 'HIT' ? 'hit' : 'miss')
  metrics.recordAudio({ seconds: report.audioMs / 1000, bytes: report.bytes })
  metrics
    .counter('tts.edge.pieces', { source: 'upstream' })
    .inc(report.pieces - report.cachedPieces)
  metrics.counter('tts.edge.pieces', { source: 'cache' }).inc(report.cachedPieces)
  if (looked) {
    countCacheLookup(
      c.env,
      ctx.scope,
      report.cache === 'HIT',
      (p) => c.executionCtx.waitUntil(p),
      ctx.settings.cacheStatsFlushMs,
    )
  }
  const closed = { method: c.req.method, path: c.req.path, cache: report.cache }
  // A whole answer's caller who left meanwhile (its work finished for the cache) heard
  // nothing: no success, no latency of an answer; a stream is counted when its body ends.
  if (!ended && callerLeft(c.req.raw)) {
    recordClientClosed(ctx.log, { ...closed, stream: false, ms: Math.round(latencyMs) })
    return response
  }
  if (ended) {
    void ended.then((end) =>
      recordStreamEnd(ctx.log, end, {
        ...closed,
        stream: true,
        ms: Math.round(performance.now() - started),
      }),
    )
  } else metrics.recordOutcome('success')
  metrics
    .histogram(
      'tts.edge.latency',
      { cache: report.cache.toLowerCase(), stream: String(prepared.stream) },
      { unit: 'ms' },
    )
    .record(latencyMs)
  ctx.log.metric('speech_request', Math.round(latencyMs), 'ms', {
    cache: report.cache,
    format,
    language: prepared.language,
    bytes: report.bytes,
    audioSeconds: Math.round(report.audioMs) / 1000,
    pieces: report.pieces,
    cachedPieces: report.cachedPieces,
    stream: prepared.stream,
  })
  return response
}

/** Speech routes. */
export const speechRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

speechRoutes.use('/v1/audio/speech', requireScope('speech'))
speechRoutes.use('/v1/audio/speech/prefetch', requireScope('speech'))

speechRoutes.openapi(speechRoute, (c) => speak(c, c.req.valid('json')))
speechRoutes.openapi(speechGetRoute, (c) => speak(c, c.req.valid('query')))

speechRoutes.openapi(prefetchRoute, async (c) => {
  const body = c.req.valid('json')
  const items: z.infer<typeof PrefetchItemSchema>[] =
    body.items ?? (body.inputs ?? []).map((input) => ({ input }))
  const principal = c.get('principal')
  // Every item is checked before anything is queued: a bad one refuses the whole batch.
  const requests = items.map((item) => ({
    input: item.input,
    voice: item.voice ?? body.voice,
    language: item.language ?? body.language,
    format: checkFormat(item.response_format ?? body.response_format),
    speed: item.speed ?? body.speed,
    pitch: item.pitch ?? 1,
    stream: false,
  }))
  // A voice or language that can never be synthesized is refused now, not retried in the queue.
  const { ctx } = await speechContext(c)
  await Promise.all([
    ...[...new Set(requests.map((r) => r.voice))].map((voice) => resolveVoice(ctx, voice)),
    ...[...new Set(requests.map((r) => r.language))]
      .filter((language) => language !== 'auto')
      .map((language) => resolveLanguage(language, '')),
  ])
  const { queued, duplicates, windows } = await queuePrefetch(c.env, principal, requests)
  return c.json({ queued, duplicates }, 202, quotaHeaders(windows ?? []))
})
