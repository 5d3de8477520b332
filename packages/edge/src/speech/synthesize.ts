/**
 * @module speech/synthesize — one prepared request into cached audio and a report: the whole
 * answer from the cache (HIT), or made from its sentences (segment cache, else the upstream
 * through the pool), encoded and stored (MISS). No HTTP here: the route turns the result into
 * an answer (speech/answer), the queue only waits for it to be stored.
 */
import { XTTS_SAMPLE_RATE } from '@tts/core/audio'
import { type CacheLookup, NOT_LOOKED_UP } from '../cache/store.ts'
import { encodeAudio } from '../encode/index.ts'
import type { SynthesisRequest, Synthesizer } from '../upstream/index.ts'
import type { SpeechContext } from './context.ts'
import { wholeEncoder } from './encode-whole.ts'
import { newTally, planSegments, speechPieces, type Tally } from './pieces.ts'
import type { PreparedSpeech } from './prepare.ts'

/** Time budget of one answer's upstream work. */
export const DEADLINE_MS = 120_000

/** What producing an answer found out, for the request's METRIC line and headers. */
export interface SpeechReport extends Tally {
  cache: 'HIT' | 'MISS' | 'BYPASS'
  bytes: number
}

/** A whole answer, cached (or being stored). */
export interface CachedSpeech {
  bytes: Uint8Array
  etag: string
  upstream: string
  report: SpeechReport
  /** Resolves once the answer and its new segments are stored (at once for a hit). */
  stored: Promise<void>
}

/** The ETag of the entry of `key` made at `created`. */
export const etagOf = (key: string, created: number) =>
  `${key.slice(0, 16)}.${created.toString(36)}`

/**
 * Stores the whole answer `bytes` of `prepared`.
 *
 * @example
 * await storeAnswer(ctx, prepared, bytes, Date.now(), tally)
 */
export function storeAnswer(
  ctx: SpeechContext,
  prepared: PreparedSpeech,
  bytes: Uint8Array,
  created: number,
  tally: Pick<Tally, 'audioMs' | 'upstream'> & { sampleRate?: number | undefined },
): Promise<void> {
  return ctx.cache.put(prepared.key, bytes, {
    kind: 'response',
    format: prepared.format,
    language: prepared.language,
    sampleRate: tally.sampleRate ?? XTTS_SAMPLE_RATE,
    durationMs: Math.round(tally.audioMs),
    created,
    expires: created + ctx.settings.cacheTtlMs,
    etag: etagOf(prepared.key, created),
    upstream: tally.upstream ?? 'cache',
  })
}

/**
 * `ctx` whose synthesizer tells the pool when the caller left (`leave`): a sentence still
 * waiting for an upstream slot leaves the queue, one the upstream works on is finished and
 * cached (its GPU time is spent whether or not anyone reads it), and no new one is asked.
 *
 * @example
 * const leaving = leavingWith(ctx, request.signal)
 */
export function leavingWith(ctx: SpeechContext, leave: AbortSignal): SpeechContext {
  const synth = ctx.synthesizer
  const synthesizer: Synthesizer = Object.assign(Object.create(synth) as Synthesizer, {
    synthesize: (request: SynthesisRequest, how: Parameters<Synthesizer['synthesize']>[1]) =>
      synth.synthesize(request, { ...how, leave }),
  })
  return { ...ctx, synthesizer }
}

/**
 * The whole answer of `prepared`, from the cache or synthesized into it. `leave` is the
 * caller's `request.signal`: when it aborts, work still queued at the pool is dropped, work
 * under way is finished for the cache (see `leavingWith`); the answer's own deadline is
 * `DEADLINE_MS`.
 *
 * @example
 * const { bytes, report, stored } = await synthesizeToCache(ctx, prepared, { leave: request.signal })
 * await stored // the queue; the route hands it to waitUntil instead
 */
export async function synthesizeToCache(
  base: SpeechContext,
  prepared: PreparedSpeech,
  options: {
    /** The caller's departure (the route's `request.signal`); none for queued work. */
    leave?: AbortSignal
    /** The caller's own lookup of `prepared.key`, and its time, so it is not read twice. */
    looked?: { found: CacheLookup; ms: number }
  } = {},
): Promise<CachedSpeech> {
  const tally = newTally()
  const lookupStarted = performance.now()
  const found =
    options.looked?.found ??
    (prepared.store === false ? NOT_LOOKED_UP : await base.cache.get(prepared.key))
  tally.timings.cache += options.looked?.ms ?? performance.now() - lookupStarted
  if ('bytes' in found) {
    const { meta } = found
    return {
      bytes: found.bytes,
      etag: meta.etag,
      // No server was asked: label it as the pieces path labels fully cached answers.
      upstream: 'cache',
      report: { ...tally, cache: 'HIT', bytes: found.bytes.byteLength, audioMs: meta.durationMs },
      stored: Promise.resolve(),
    }
  }
  const { leave } = options
  const work = synthesizeMiss(leave ? leavingWith(base, leave) : base, prepared, tally)
  if (!leave) return work
  // workerd ends a departed caller's invocation once its abort listeners ran, unless one hands
  // work to waitUntil: so the sentence the upstream already works on is finished and stored.
  const stay = () =>
    base.waitUntil(
      work.then(
        (w) => w.stored,
        () => {},
      ),
    )
  leave.addEventListener('abort', stay, { once: true })
  return work.finally(() => leave.removeEventListener('abort', stay))
}

/** The miss path of `synthesizeToCache`: the answer made from its sentences, and stored. */
async function synthesizeMiss(
  ctx: SpeechContext,
  prepared: PreparedSpeech,
  tally: Tally,
): Promise<CachedSpeech> {
  // Made only for a miss: a hit needs no deadline timer.
  const signal = AbortSignal.timeout(DEADLINE_MS)
  const created = Date.now()
  const plan = await planSegments(ctx, prepared)
  const segments: Promise<void>[] = []
  const encoder = wholeEncoder(prepared.format)
  let sampleRate: number | undefined
  let bytes: Uint8Array | undefined
  try {
    for await (const chunk of speechPieces(ctx, prepared, plan, tally, signal, segments)) {
      sampleRate ??= chunk.sampleRate
      const started = performance.now()
      await encoder.push(chunk.pcm, chunk.sampleRate)
      tally.timings.encode += performance.now() - started
    }
    const started = performance.now()
    bytes =
      encoder.end() ??
      (await encodeAudio(new Int16Array(0), {
        format: prepared.format,
        sampleRate: XTTS_SAMPLE_RATE,
        channels: 1,
      }))
    tally.timings.encode += performance.now() - started
  } finally {
    encoder.abort()
  }
  const kept = prepared.store !== false
  const whole = kept
    ? storeAnswer(ctx, prepared, bytes, created, { ...tally, sampleRate })
    : Promise.resolve()
  return {
    bytes,
    etag: etagOf(prepared.key, created),
    upstream: tally.upstream ?? 'cache',
    report: { ...tally, cache: kept ? 'MISS' : 'BYPASS', bytes: bytes.byteLength },
    stored: Promise.all([...segments, whole]).then(() => {}),
  }
}
