/**
 * @module rows/long-answer — row 11: a long uncached answer streamed through the edge, sentence
 * by sentence (each its own upstream call and segment), against the upstream's own stream of
 * the whole text: time to first audio, time to the end, and the isolate heap the edge still
 * retains once the answer and its `waitUntil` work are over (after a full collection). Also the
 * same length asked with `Cache-Control: no-store`, which the edge sends upstream as one call.
 */
import { speechInit, type Timed, timedFetch } from '../http/index.ts'
import { connectInspector, type IsolateInspector } from '../inspector/index.ts'
import { type Figure, type Loss, measured, notMeasured, type RowResult } from '../result/index.ts'
import { quantile, round } from '../stats/index.ts'
import { type RowContext, XTTS_PROFILE } from './context.ts'

const WAV_HEADER = 44
/** The emulator's stream chunk: XTTS's default `stream_chunk_size` 20 × 1,024 samples at 24 kHz. */
const CHUNK_S = (20 * 1024) / 24_000

/** Retained heap + buffers after full collections, once two readings agree within 1 %. */
async function settledRetained(inspector: IsolateInspector) {
  let previous = await inspector.retained()
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 500))
    const now = await inspector.retained()
    const total = (h: typeof now) => h.usedSize + h.backingStorageSize
    if (Math.abs(total(now) - total(previous)) <= 0.01 * total(previous)) return now
    previous = now
  }
  return previous
}

const sentencesIn = (text: string) => text.split(/(?<=\.)\s+/u).length

/**
 * First-audio pairs (edge, then the upstream's own stream) behind the one timed answer: single
 * pairs range over ~100 ms on a shared 2-core box, so the median needs more than a handful.
 */
const FIRST_AUDIO_PAIRS = 9

/**
 * Until nothing is busy: the emulator answers nothing, and the edge's pool holds no slot — after
 * a caller leaves, it keeps the slot for as long as XTTS would go on computing (its estimate),
 * which the emulator, stopping at once, does not show. 120 s at most.
 */
async function idle(ctx: RowContext): Promise<void> {
  const until = Date.now() + 120_000
  const poolBusy = async () => {
    const res = await fetch(`${ctx.edge.url}/readyz`, {
      headers: { authorization: `Bearer ${ctx.edge.apiKey}` },
    })
    const body = (await res.json()) as { upstreams?: { inFlight: number; queued: number }[] }
    if (!body.upstreams) throw new Error(`/readyz answered ${res.status} without upstreams`)
    return body.upstreams.some((u) => u.inFlight > 0 || u.queued > 0)
  }
  while ((await ctx.emulator.stats()).inFlight > 0 || (await poolBusy())) {
    if (Date.now() > until) throw new Error('the GPU model stayed busy for 120 s')
    await new Promise((r) => setTimeout(r, 100))
  }
}

/**
 * Bytes of recent plaintext the edge isolate keeps (its `/metrics` gauge): a bounded cache of
 * what it served (CACHE_MEMORY_BYTES), which a heap reading would otherwise count as retained.
 */
async function memoryCacheBytes(ctx: RowContext): Promise<number> {
  const res = await fetch(`${ctx.edge.url}/metrics`, {
    headers: { authorization: `Bearer ${ctx.edge.apiKey}` },
  })
  const text = await res.text()
  const value = /^tts_edge_cache_memory_bytes (\d+)$/m.exec(text)?.[1]
  if (res.status !== 200 || value === undefined)
    throw new Error(`/metrics answered ${res.status} without tts_edge_cache_memory_bytes`)
  return Number(value)
}

/**
 * @example
 * const row = await longAnswerRow(ctx)
 */
export async function longAnswerRow(ctx: RowContext): Promise<RowResult> {
  const chars = ctx.quick ? 600 : 2000
  const base = {
    id: 11,
    title: 'Long answer: sentence-split stream vs one whole-text synthesis, and retained heap',
    findings: [] as string[],
    settings: { chars, format: 'wav', emulatorProfile: XTTS_PROFILE },
    method: `Edge: \`stream: true\`, WAV, a text none of whose sentences is cached; first audio = first body byte past the 44-byte header, complete = end of body, at the harness. Upstream: the same emulator asked for an equally long fresh text as one streamed synthesis (its \`/v1/audio/speech\`), run right after the edge's answer, so both meet the same one-at-a-time GPU model. No-store: last, an equally long fresh text through the edge with \`Cache-Control: no-store\` (nothing kept, the whole text one upstream call), then an equally long whole-text upstream stream as its own reference. First audio is also the median of ${FIRST_AUDIO_PAIRS} pairs of fresh answers of the same length (edge, then upstream), each cut once its first audio is in, with nothing busy before each (the emulator's /__stats and the edge pool's /readyz: a slot a departed caller held is kept while XTTS would still compute). Retained: the worker isolate's heap in use + ArrayBuffer backing stores over wrangler's inspector after a full collection (HeapProfiler.collectGarbage, or a heap snapshot where workerd does not answer it), read once the previous readings agree within 1 %, before and after a second answer of the same length (and its waitUntil work), not the timed one (a heap snapshot drops compiled code); what the isolate's recent-audio cache (bounded by CACHE_MEMORY_BYTES) took meanwhile is read from its /metrics gauge and shown apart; 'one sentence' = the answer's PCM over its sentence count.`,
    durationS: 0,
  }
  await ctx.emulator.latency(XTTS_PROFILE)
  const speech = `${ctx.edge.url}/v1/audio/speech`
  const edge = (text: string) =>
    timedFetch(speech, speechInit(text, { apiKey: ctx.edge.apiKey, format: 'wav', stream: true }), {
      skipBytes: WAV_HEADER,
    })
  // First use in the isolate (key import, encoder, module state) is not this answer's.
  await edge(ctx.freshText(120))

  let inspector: IsolateInspector | undefined
  let inspectorWhy = ''
  try {
    inspector = await connectInspector(ctx.edge.inspectorUrl)
  } catch (error) {
    inspectorWhy = `no inspector session: ${error instanceof Error ? error.message : String(error)}`
  }
  try {
    // Timed on a warm isolate, not right after the heap readings: a heap snapshot (workerd
    // answers no collectGarbage) drops compiled code, and the answer after it paid that.
    const text = ctx.freshText(chars)
    ctx.log(`row 11: ${chars} chars (${sentencesIn(text)} sentences) through the edge`)
    const split: Timed = await edge(text)
    if (split.status !== 200) throw new Error(`edge answered ${split.status}`)

    ctx.log('row 11: the same length as one whole-text upstream stream')
    const whole = await timedFetch(
      `${ctx.emulator.url}/v1/audio/speech`,
      speechInit(ctx.freshText(chars), { format: 'wav' }),
      { skipBytes: WAV_HEADER },
    )
    if (whole.status !== 200) throw new Error(`emulator answered ${whole.status}`)

    // First audio of one answer is one sample: pairs of fresh answers of the same length, each
    // cut once its first audio is in, the GPU idle before each (medians below).
    const edgeFirsts: number[] = []
    const upstreamFirsts: number[] = []
    for (let i = 0; i < FIRST_AUDIO_PAIRS; i++) {
      await idle(ctx)
      const e = await timedFetch(
        speech,
        speechInit(ctx.freshText(chars), { apiKey: ctx.edge.apiKey, format: 'wav', stream: true }),
        { skipBytes: WAV_HEADER, stopAfterFirstAudio: true },
      )
      await idle(ctx)
      const u = await timedFetch(
        `${ctx.emulator.url}/v1/audio/speech`,
        speechInit(ctx.freshText(chars), { format: 'wav' }),
        { skipBytes: WAV_HEADER, stopAfterFirstAudio: true },
      )
      if (e.status !== 200 || u.status !== 200)
        throw new Error(`first-audio pair answered ${e.status} / ${u.status}`)
      edgeFirsts.push(e.firstAudioMs)
      upstreamFirsts.push(u.firstAudioMs)
    }
    await idle(ctx)
    const middle = (xs: number[]) =>
      quantile(
        [...xs].sort((a, b) => a - b),
        0.5,
      )
    const lateBy = edgeFirsts.map((e, i) => e - (upstreamFirsts[i] as number))

    // Retention: a second answer of the same length between two heap readings.
    const cachedBefore = await memoryCacheBytes(ctx)
    const before = inspector ? await settledRetained(inspector) : undefined
    const keptText = ctx.freshText(chars)
    const kept = await edge(keptText)
    if (kept.status !== 200) throw new Error(`edge answered ${kept.status}`)
    // The whole-answer entry is assembled in waitUntil after the body ended; let it finish.
    await new Promise((r) => setTimeout(r, 3000))
    const cached = (await memoryCacheBytes(ctx)) - cachedBefore
    const after = inspector ? await settledRetained(inspector) : undefined

    // Last, after the first-audio pairs and the heap readings, so it moves neither.
    await idle(ctx)
    ctx.log('row 11: the same length through the edge with Cache-Control: no-store')
    const noStoreInit = speechInit(ctx.freshText(chars), {
      apiKey: ctx.edge.apiKey,
      format: 'wav',
      stream: true,
    })
    noStoreInit.headers['cache-control'] = 'no-store'
    const oneCall = await timedFetch(speech, noStoreInit, { skipBytes: WAV_HEADER })
    if (oneCall.status !== 200) throw new Error(`edge (no-store) answered ${oneCall.status}`)
    // Its own reference, right after it: the emulator's pace drifts over a long row.
    const wholeAgain = await timedFetch(
      `${ctx.emulator.url}/v1/audio/speech`,
      speechInit(ctx.freshText(chars), { format: 'wav' }),
      { skipBytes: WAV_HEADER },
    )
    if (wholeAgain.status !== 200) throw new Error(`emulator answered ${wholeAgain.status}`)
    const oneCallRatio = oneCall.totalMs / wholeAgain.totalMs

    const ratio = split.totalMs / whole.totalMs
    const sentences = sentencesIn(text)
    // The emulator waits ttfbMs for a call's first chunk where producing it takes rtf × its
    // length: every call after the first adds the difference, however well calls follow each
    // other on its one GPU. The best any sentence-per-call stream can do against it:
    const perCallMs = Math.max(0, XTTS_PROFILE.ttfbMs - XTTS_PROFILE.rtf * CHUNK_S * 1000)
    const floorMs = whole.totalMs + (sentences - 1) * perCallMs
    const firstLate = middle(lateBy)
    const sentenceBytes = (kept.bytes - WAV_HEADER) / sentencesIn(keptText)
    const figures: Figure[] = [
      measured('edge split stream: first audio', round(split.firstAudioMs), 'ms'),
      measured('upstream whole-text stream: first audio', round(whole.firstAudioMs), 'ms'),
      measured(
        'edge first audio minus upstream first audio (that answer)',
        round(split.firstAudioMs - whole.firstAudioMs),
        'ms',
      ),
      measured(
        `edge first audio, median of ${FIRST_AUDIO_PAIRS} more answers`,
        round(middle(edgeFirsts)),
        'ms',
        'each cut after its first audio, the GPU idle before it',
      ),
      measured(
        `upstream whole-text first audio, median of ${FIRST_AUDIO_PAIRS}`,
        round(middle(upstreamFirsts)),
        'ms',
      ),
      measured(
        'edge first audio minus upstream first audio, median of the pairs',
        round(firstLate),
        'ms',
        `goal ≤ 50 ms; pairs: ${lateBy.map((x) => round(x)).join(', ')}`,
      ),
      measured('edge split stream: complete', round(split.totalMs), 'ms'),
      measured('upstream whole-text stream: complete', round(whole.totalMs), 'ms'),
      measured('complete, edge / upstream whole-text', round(ratio), '×'),
      measured(
        "complete, the emulator's floor for one call per sentence",
        round(floorMs),
        'ms',
        `whole-text complete + ${sentences - 1} × ${round(perCallMs)} ms of first-chunk wait per further call`,
      ),
      measured('complete, edge / that floor', round(split.totalMs / floorMs), '×'),
      measured(
        'edge no-store stream (one upstream call): first audio',
        round(oneCall.firstAudioMs),
        'ms',
      ),
      measured('edge no-store stream: complete', round(oneCall.totalMs), 'ms'),
      measured(
        'upstream whole-text stream right after it: complete',
        round(wholeAgain.totalMs),
        'ms',
      ),
      measured(
        'complete, edge no-store / that upstream whole-text',
        round(oneCallRatio),
        '×',
        'Cache-Control: no-store: nothing cached, so the whole text is one call',
      ),
      measured('answer size', round(split.bytes / 2 ** 20), 'MiB', 'WAV, 24 kHz 16-bit mono'),
      measured('one sentence of audio (mean)', round(sentenceBytes / 2 ** 20), 'MiB'),
    ]
    const losses: Loss[] = []
    if (before && after) {
      const retained = after.usedSize + after.backingStorageSize
      const baseline = before.usedSize + before.backingStorageSize
      const grown = retained - baseline
      // What the isolate's recent-audio cache took is bounded by its budget, not by answers.
      const leftOver = grown - cached
      figures.push(
        measured('isolate retained before the answer', round(baseline / 2 ** 20), 'MiB'),
        measured(
          'isolate retained after the answer, growth',
          round(grown / 2 ** 20),
          'MiB',
          `after a full collection (${after.how}); of which backing stores ${round((after.backingStorageSize - before.backingStorageSize) / 2 ** 20)} MiB`,
        ),
        measured(
          "… of which the isolate's recent-audio cache",
          round(cached / 2 ** 20),
          'MiB',
          'its /metrics gauge; bounded by CACHE_MEMORY_BYTES (32 MiB), whatever the answers',
        ),
        measured('retained growth outside that cache', round(leftOver / 2 ** 20), 'MiB'),
        measured(
          'retained growth outside that cache / one sentence of audio',
          round(leftOver / sentenceBytes),
          '×',
        ),
      )
      if (leftOver > 2 * sentenceBytes) {
        losses.push({
          what: `the isolate retains ${round(leftOver / 2 ** 20)} MiB outside its recent-audio cache after a ${round(kept.bytes / 2 ** 20)} MiB answer, more than 2 sentences of audio`,
          close: 'find what holds it in a heap snapshot taken after the answer',
        })
      } else {
        base.findings.push(
          `retained after the answer outside the recent-audio cache: ${round(leftOver / 2 ** 20)} MiB (${round(leftOver / sentenceBytes)}× one sentence of audio; the cache took ${round(cached / 2 ** 20)} MiB of its 32 MiB budget)`,
        )
      }
    } else {
      figures.push(notMeasured('isolate retained after the answer, growth', 'MiB', inspectorWhy))
    }
    if (ratio > 1) {
      losses.push({
        what: `the edge's sentence-split stream completes in ${round(ratio)}× the time of one whole-text synthesis`,
        close: `${round(floorMs / whole.totalMs)}× is the emulator's own floor for one call per sentence (it charges ${XTTS_PROFILE.ttfbMs} ms to every call's first chunk, ${round(perCallMs)} ms more than producing it); the edge is at ${round(split.totalMs / floorMs)}× that floor, since the next sentence already waits at the pool's gate while the current one streams. Closing the rest takes a second GPU slot (the next sentence's first-chunk wait then overlaps the current one), not the edge: one upstream call for several sentences cannot be cut back into per-sentence segments, because xtts-streaming-server marks no boundaries (it regroups sentences into ≤ 250-character pieces itself). A caller who needs no caching sends \`Cache-Control: no-store\` and gets one call: ${round(oneCallRatio)}× here`,
      })
    }
    if (firstLate > 50) {
      losses.push({
        what: `first audio ${round(firstLate)} ms later than the upstream's own whole-text stream (median of ${FIRST_AUDIO_PAIRS} pairs)`,
        close:
          "before the upstream is asked: wrangler dev's proxy, the key check, the whole answer's and (beside it) the first sentence's cache lookups, each a Cache API miss then an R2 miss in Miniflare, then the hop through the pool object; on a quiet box they add up to 30-45 ms, and a busy one stretches every step",
      })
    }
    base.findings.push(
      `complete in ${round(ratio)}× one whole-text synthesis; first audio ${round(firstLate)} ms after the upstream's own`,
      `no-store (one upstream call): complete in ${round(oneCallRatio)}× one whole-text synthesis, first audio ${round(oneCall.firstAudioMs - wholeAgain.firstAudioMs)} ms after the upstream's own (the whole-text call right after it)`,
    )
    return { ...base, figures, losses }
  } finally {
    inspector?.close()
  }
}
