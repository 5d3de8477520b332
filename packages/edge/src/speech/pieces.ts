/**
 * @module speech/pieces — the audio of a text, sentence by sentence: each sentence from the
 * segment cache when heard before, else from the upstream (validated, then cached on its own).
 * So a sentence already synthesized is never synthesized again, whatever paragraph holds it.
 * The text is split and each sentence hashed once (`planSegments`); the segment key is also
 * the pool's single-flight key.
 *
 * A sentence the text repeats is looked up, charged to the caller's quota and synthesized
 * once (issue 18: `"Hi! "` × 1,024 was 1,024 syntheses and ~2,000 cache reads, past a
 * Worker's subrequest budget); its audio is kept until its last repeat.
 */
import { concatSamples } from '@tts/core/audio'
import { type CacheLookup, NOT_LOOKED_UP } from '../cache/store.ts'
import type { WindowState } from '../quota/index.ts'
import { pcmBytes } from '../upstream/pcm.ts'
import type { SpeechContext, Timings } from './context.ts'
import { departure } from './departure.ts'
import { checkSentenceCount } from './limits.ts'
import { type PreparedSpeech, segmentKey } from './prepare.ts'
import { type RunAhead, runAhead } from './runahead.ts'
import { checked, type Heard, lookedUp } from './segment-audio.ts'
import { sentencesOf } from './sentences.ts'
import { planTempo, scaledMs, scaledSentence, sentenceScaler, type TempoPlan } from './tempo.ts'

/** A run of PCM of one piece, with its format. */
export interface PcmChunk {
  pcm: Int16Array
  sampleRate: number
  channels: number
}

/** One sentence of the text and its segment cache key. */
export interface Segment {
  sentence: string
  key: string
}

/** What a miss will do: the sentences with their keys, and the speed and pitch split. */
export interface SpeechPlan {
  segments: Segment[]
  tempo: TempoPlan
  /** The first sentence's cache lookup, when the caller started it already (a stream's). */
  firstLookup?: Promise<CacheLookup>
}

/** What producing the audio found out and what it cost, filled in as it goes. */
export interface Tally {
  pieces: number
  cachedPieces: number
  upstream: string | undefined
  audioMs: number
  timings: Timings
  /** The caller's quota windows after this answer's charge (a limited key's miss only). */
  quota?: WindowState[] | undefined
}

/** A tally of nothing yet. */
export function newTally(): Tally {
  return {
    pieces: 0,
    cachedPieces: 0,
    upstream: undefined,
    audioMs: 0,
    timings: { cache: 0, upstream: 0, encode: 0 },
  }
}

/**
 * The sentences of `prepared.text` and their segment keys, in order (the one split and the
 * one hash per sentence of a request), and the speed and pitch plan (tempo.ts).
 *
 * @example
 * const plan = await planSegments(ctx, prepared)
 */
export async function planSegments(
  ctx: SpeechContext,
  prepared: PreparedSpeech,
): Promise<SpeechPlan> {
  // Nothing kept (`Cache-Control: no-store`): no sentence can be heard again from the cache, so
  // the text goes upstream whole, in one call, and pays the upstream's first chunk once.
  const sentences =
    prepared.store === false ? [prepared.text] : sentencesOf(prepared.text, prepared.language)
  // Distinct ones: a repeated sentence is synthesized once (issue 18), so it costs once.
  checkSentenceCount(new Set(sentences).size)
  const tempo = await planTempo(ctx, prepared)
  // Segments hold the source audio: at the speed the upstream is asked for, see tempo.ts.
  const source = { ...prepared, speed: tempo.sourceSpeed }
  const distinct = [...new Set(sentences)]
  const hashed = await Promise.all(
    distinct.map((s) => segmentKey(source, ctx.settings.upstreamModel, s)),
  )
  const keys = new Map(distinct.map((s, i) => [s, hashed[i] as string]))
  return {
    tempo,
    segments: sentences.map((sentence) => ({ sentence, key: keys.get(sentence) ?? '' })),
  }
}

/** A sentence asked of the upstream: its audio being read, and its entry once it ended. */
interface Asked {
  ahead: RunAhead
  /** The sentence's validated audio once it ended and its entry write began. */
  entry: Promise<Heard>
}

/**
 * Yields the audio of `plan` in order, as it becomes available. Throws an `UpstreamError`
 * when the upstream fails or its audio is invalid; nothing of a failed piece is cached. Each
 * new segment's cache write is pushed onto `stored`, so a caller can wait until the segments
 * are readable.
 *
 * Uncached sentences run ahead of the caller (runahead.ts): the first is asked for as soon as
 * its lookup missed, before the cached ones before it are handed out, and the next one as soon
 * as the current one's audio flows (with one GPU slot it waits at the pool's gate, so no
 * round trip separates two sentences on the GPU) — never more than one sentence ahead of the
 * one being handed out, so the edge holds at most two sentences of audio. Each new
 * sentence is validated and written as its own segment when its audio has arrived, whether or
 * not the caller has taken it yet. Ending the iteration early aborts what is still being read,
 * unless the caller left (`leave`, a stream's): then no sentence is asked any more, one still
 * waiting for a slot leaves the pool's queue, and what the upstream already works on is read to
 * its end and cached (departure.ts). A sentence the text repeats is looked up, charged and asked for once; its audio is kept
 * until its last repeat.
 *
 * @example
 * for await (const chunk of speechPieces(ctx, prepared, plan, tally, signal, [])) encoder.push(chunk.pcm)
 */
export async function* speechPieces(
  ctx: SpeechContext,
  prepared: PreparedSpeech,
  plan: SpeechPlan,
  tally: Tally,
  signal: AbortSignal,
  stored: Promise<void>[],
  /** The caller's departure; `ctx`'s synthesizer must carry it too (`leavingWith`). */
  leave?: AbortSignal,
): AsyncGenerator<PcmChunk> {
  const { segments, tempo } = plan
  tally.pieces = segments.length
  const lastUse = new Map(segments.map((s, i) => [s.key, i]))
  /** The first use of each sentence the cache lacks (indices into `segments`), in order. */
  const uncached: number[] = []
  const firsts = new Set<string>()

  const stop = new AbortController()
  const reading = AbortSignal.any([signal, stop.signal])
  const departed = departure(leave, (work) => ctx.waitUntil(work))
  const source = { ...prepared, speed: tempo.sourceSpeed }
  const kept = prepared.store !== false
  // A stream that keeps nothing need not hold its audio whole: it is neither cached nor
  // validated (validation only guards the cache; the listener has heard the audio by then).
  const holdWhole = kept || !prepared.stream
  const asked = new Map<number, Promise<Asked>>()
  /** The end of the audio being read last: where a refused early ask is asked again. */
  let lastEnded: Promise<void> | undefined
  let nextAsk = 0
  /** Index (into `segments`) of the sentence being handed out. */
  let playing = -1

  let inFlight = 0
  /** An ask whose audio does not flow yet: the next waits for it (one at the pool's gate). */
  let waiting = false
  // Asks for the next uncached sentence while fewer than two are held (the one playing and one
  // ahead). With one GPU slot the ask waits at the pool's gate and takes the slot the moment
  // the sentence before frees it; should the gate turn it away (its wait is bounded), it is
  // asked again once the audio before it has arrived.
  // `now`: the caller has reached it (the bookkeeping of the audio before may lag a tick).
  const askNext = (now = false) => {
    const i = uncached[nextAsk]
    if (i === undefined || reading.aborted || departed.left) return
    const held = uncached.slice(0, nextAsk).filter((j) => j >= playing).length
    if (!now && (held >= 2 || inFlight >= 2 || waiting)) return
    nextAsk++
    inFlight++
    waiting = true
    const after = lastEnded
    const one = ask(i).catch(async (error: unknown) => {
      if (!after || (error as { code?: string }).code !== 'upstream_busy') throw error
      await after
      return ask(i)
    })
    one.catch(() => {
      inFlight--
      waiting = false
    })
    departed.track(one.then((a) => a.entry))
    asked.set(i, one)
  }

  const ask = async (i: number): Promise<Asked> => {
    const { sentence, key } = segments[i] as Segment
    const upstreamStarted = performance.now()
    const result = await ctx.synthesizer.synthesize(
      {
        text: sentence,
        language: prepared.language,
        voice: prepared.voice,
        speed: tempo.sourceSpeed,
        stream: prepared.stream,
      },
      { signal: reading, key },
    )
    const ahead = runAhead(result, holdWhole)
    waiting = false
    lastEnded = ahead.ended
    askNext()
    void ahead.ended.then(() => {
      inFlight--
      tally.timings.upstream += performance.now() - upstreamStarted
      askNext()
    })
    const entry = ahead.whole.then((parts) => {
      if (!holdWhole) {
        const durationMs = (ahead.samples / result.sampleRate) * 1000
        return {
          chunk: { pcm: new Int16Array(0), sampleRate: result.sampleRate, channels: 1 },
          durationMs,
        }
      }
      // Joined once, for its validation and entry (a one-chunk sentence is not copied).
      const whole = parts.length === 1 && parts[0] ? parts[0] : concatSamples(parts)
      parts.length = 0
      const durationMs = checked(whole, result.sampleRate, result.channels, sentence, source)
      if (!kept)
        return { chunk: { pcm: whole, sampleRate: result.sampleRate, channels: 1 }, durationMs }
      const created = Date.now()
      const put = ctx.cache.put(key, pcmBytes(whole), {
        kind: 'segment',
        format: 'pcm',
        language: prepared.language,
        sampleRate: result.sampleRate,
        durationMs,
        created,
        expires: created + ctx.settings.cacheTtlMs,
        etag: `${key.slice(0, 16)}.${created.toString(36)}`,
        upstream: result.upstream,
      })
      ctx.waitUntil(put)
      stored.push(put)
      return { chunk: { pcm: whole, sampleRate: result.sampleRate, channels: 1 }, durationMs }
    })
    entry.catch(() => {})
    return { ahead, entry }
  }

  try {
    const keys = [...lastUse.keys()]
    const look = (key: string) => (kept ? ctx.cache.get(key) : Promise.resolve(NOT_LOOKED_UP))
    const first = segments[0]
    const started = performance.now()
    const firstLookup = first ? (plan.firstLookup ?? look(first.key)) : undefined
    /** Sentences' audio from the cache, and sentences synthesized here that the text repeats. */
    const heard = new Map<string, Heard>()
    // Every other sentence: looked up, the uncached ones charged (before any upstream work but
    // the first sentence's, which nothing can refuse), once each, and listed to be asked for.
    const lookRest = async () => {
      const since = performance.now()
      const lookups = keys.map((key, i) => (i === 0 && firstLookup ? firstLookup : look(key)))
      for (const [key, audio] of await lookedUp(keys, lookups)) heard.set(key, audio)
      tally.timings.cache += performance.now() - since
      let chars = first && firsts.has(first.key) ? first.sentence.length : 0
      for (const [i, { sentence, key }] of segments.entries()) {
        if (heard.has(key) || firsts.has(key)) continue
        firsts.add(key)
        uncached.push(i)
        chars += sentence.length
      }
      if (chars > 0) tally.quota = await ctx.meter.charge(chars)
      askNext()
    }
    let rest: Promise<void> | undefined
    const restLookedUp = (): Promise<void> => {
      if (!rest) {
        rest = lookRest()
        rest.catch(() => {}) // awaited before the next sentence, or at the end
      }
      return rest
    }
    // When charging cannot refuse (an unlimited key), the first sentence is asked for the moment
    // its own lookup missed, and the other sentences are looked up once its audio flows (issue
    // 17): a long answer's first audio waits neither for their 36 reads nor beside them. They
    // are needed only when the first sentence ends, seconds later.
    if (
      first &&
      firstLookup &&
      ctx.meter.mayRefuse === false &&
      !('bytes' in (await firstLookup))
    ) {
      tally.timings.cache += performance.now() - started
      firsts.add(first.key)
      uncached.push(0)
      askNext()
      // Once its audio flows, a task later (its first chunk on its way out), whatever the
      // caller's pace: the next sentence is asked for when they are in.
      void asked
        .get(0)
        ?.then(() => new Promise((resolve) => setTimeout(resolve, 0)))
        .then(restLookedUp, () => {})
    } else {
      rest = lookRest()
      await rest
    }
    askNext()
    for (const [i, { key }] of segments.entries()) {
      playing = i
      if (i > 0) await restLookedUp()
      askNext()
      const known = heard.get(key)
      if (known) {
        tally.cachedPieces++
        tally.audioMs += scaledMs(tempo, known.durationMs)
        // Each sentence's audio is dropped from here once its last repeat is handed out.
        if (lastUse.get(key) === i) heard.delete(key)
        yield* scaledSentence(tempo, known.chunk)
        continue
      }
      if (!asked.has(i)) askNext(true)
      const pending = asked.get(i)
      if (!pending) {
        if (reading.aborted) throw reading.reason
        throw departed.left ? leave?.reason : new Error(`sentence ${i} was not asked for`)
      }
      const { ahead, entry } = await departed.unlessLeft(pending)
      asked.delete(i)
      const { result } = ahead
      tally.upstream = result.upstream
      const scale = sentenceScaler(tempo, result.sampleRate)
      const chunkOf = (pcm: Int16Array) => ({
        pcm,
        sampleRate: result.sampleRate,
        channels: result.channels,
      })
      for await (const pcm of ahead.chunks(leave)) {
        for (const out of scale.push(pcm)) yield chunkOf(out)
      }
      const tail = scale.end()
      if (tail.length > 0) yield chunkOf(tail)
      const audio = await entry
      tally.audioMs += scaledMs(tempo, audio.durationMs)
      if ((lastUse.get(key) ?? i) > i) heard.set(key, audio)
    }
    await restLookedUp()
  } finally {
    departed.dispose()
    // Early end by a failure: stop what is still being read. A caller who left: it is finished
    // for the cache instead (its GPU time is spent), bounded by `signal`'s deadline — unless
    // nothing is kept (`no-store`): then nobody needs the rest.
    if (!departed.left || !kept) stop.abort(new DOMException('the answer ended', 'AbortError'))
  }
}
