/**
 * @module rows/cache-hit — row 1: serving one cached ~100 KB phrase. Ours (the edge in
 * workerd, local storage, a HIT) against the runtime's floor (a minimal worker under the same
 * `wrangler dev` answering the same bytes from memory), nginx `proxy_cache` in front of the
 * emulator (a HIT) and the emulator itself (a miss every time). Same phrase, connections and
 * duration for each.
 */
import { speechInit, timedFetch } from '../http/index.ts'
import { type LoadResult, runAlternating, runLoad } from '../load/index.ts'
import { type Figure, type Loss, measured, notMeasured, type RowResult } from '../result/index.ts'
import { startEdge } from '../services/edge.ts'
import { startFloor } from '../services/floor.ts'
import { round } from '../stats/index.ts'
import { type RowContext, XTTS_PROFILE } from './context.ts'

// About 2.2 s of speech: ~100 KB as 24 kHz 16-bit mono WAV.
/** The ~100 KB phrase row 1 serves (the profiler uses it too). */
export const HIT_PHRASE =
  'Your order has been confirmed and will arrive tomorrow morning between nine and eleven.'

/** Goals of issue 17 for hits, against the floor in the same run. */
const FLOOR_GOAL = { throughput: 0.8, p50: 1.3 }

async function warm(url: string, init: RequestInit, header: string, want: string) {
  for (let i = 0; i < 40; i++) {
    const t = await timedFetch(url, init, { keepBody: true })
    if (t.status !== 200) throw new Error(`${url} answered ${t.status} while warming`)
    if (t.headers.get(header) === want) return t
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${url} never answered ${header}: ${want}`)
}

function loadFigures(name: string, r: LoadResult): Figure[] {
  return [
    measured(`${name} p50`, r.p50Ms, 'ms'),
    measured(`${name} p95`, r.p95Ms, 'ms'),
    measured(`${name} p99`, r.p99Ms, 'ms'),
    measured(`${name} throughput`, r.requestsPerSecond, 'req/s', `${r.requests} responses`),
  ]
}

/**
 * @example
 * const row = await cacheHitRow(ctx)
 */
export async function cacheHitRow(ctx: RowContext): Promise<RowResult> {
  const connections = ctx.quick ? 8 : 16
  const durationS = ctx.quick ? 2 : 10
  await ctx.emulator.latency(XTTS_PROFILE)
  const edgeInit = speechInit(HIT_PHRASE, { apiKey: ctx.edge.apiKey, format: 'wav' })
  const upstreamInit = speechInit(HIT_PHRASE, { format: 'wav' })
  const figures: Figure[] = []
  const findings: string[] = []
  const losses: Loss[] = []
  const settings: Record<string, unknown> = {
    phraseChars: HIT_PHRASE.length,
    format: 'wav',
    connections,
    durationS,
    tool: 'autocannon 9 (in the harness process, same machine)',
    emulatorProfile: XTTS_PROFILE,
    edge: 'wrangler dev (workerd, local R2/KV/Cache/DO storage on disk), LOG_LEVEL=warn',
  }

  const edgeHit = await warm(`${ctx.edge.url}/v1/audio/speech`, edgeInit, 'x-tts-cache', 'HIT')
  settings.responseBytes = edgeHit.bytes
  // Started while nothing is under load; measured right after ours, on the same bytes.
  const floorServer = await startFloor(
    ctx.procs,
    ctx.root,
    ctx.tmp,
    edgeHit.body ?? new Uint8Array(),
    edgeHit.headers.get('content-type') ?? 'audio/wav',
  )
  settings.floor = `a worker answering the same ${edgeHit.bytes} B from memory, same wrangler dev, compatibility date ${floorServer.compatibilityDate}, POST with the same body`
  await timedFetch(floorServer.url, edgeInit)
  // The same edge with its rate-limit binding unbound: what a hit costs without wrangler's local
  // stand-in for it, which production does not run (services/edge.ts `RateLimitSetup`).
  ctx.log('row 1: starting a second edge without the rate-limit binding')
  const unbound = await startEdge(ctx.procs, ctx.root, ctx.tmp, ctx.emulator.url, 'unbound')
  const unboundInit = speechInit(HIT_PHRASE, { apiKey: unbound.apiKey, format: 'wav' })
  await warm(`${unbound.url}/v1/audio/speech`, unboundInit, 'x-tts-cache', 'HIT')
  settings.unbound =
    'the same bundle and settings under a second wrangler dev, its KEY_LIMITER rate-limit binding removed'
  // Ours, the floor (and ours unbound) take turns in short slices, so a shared machine's
  // drifting load falls on all alike: the ratios are the goal, and one after the other they
  // measured the drift too.
  const rounds = ctx.quick ? 4 : 10
  settings.oursVsFloor = `${rounds} alternating slices of ${durationS / rounds} s each (ours, floor, ours unbound, ours, …)`
  ctx.log(
    `row 1: edge HIT, floor (minimal worker) and edge HIT unbound load in turns, ${connections} connections × ${durationS} s each`,
  )
  const loadOf = (url: string, init: typeof edgeInit) => ({
    url,
    method: 'POST' as const,
    headers: init.headers,
    body: init.body,
    connections,
    durationS,
  })
  const [ours, floor, oursUnbound] = (await runAlternating(
    [
      loadOf(`${ctx.edge.url}/v1/audio/speech`, edgeInit),
      loadOf(floorServer.url, edgeInit),
      loadOf(`${unbound.url}/v1/audio/speech`, unboundInit),
    ],
    rounds,
  )) as [LoadResult, LoadResult, LoadResult]
  figures.push(...loadFigures('ours (edge HIT)', ours))
  if (ours.non2xx + ours.errors > 0)
    findings.push(`ours: ${ours.non2xx} non-2xx, ${ours.errors} errors (not counted)`)
  figures.push(...loadFigures('floor: minimal worker, same wrangler dev', floor))
  const floorP50 = ours.p50Ms / floor.p50Ms
  const floorRps = ours.requestsPerSecond / floor.requestsPerSecond
  figures.push(measured('ratio ours/floor p50', round(floorP50), '×', `goal ≤ ${FLOOR_GOAL.p50}`))
  figures.push(
    measured(
      'ratio ours/floor throughput',
      round(floorRps),
      '×',
      `goal ≥ ${FLOOR_GOAL.throughput}`,
    ),
  )
  figures.push(...loadFigures('ours, rate-limit binding unbound', oursUnbound))
  if (oursUnbound.non2xx + oursUnbound.errors > 0)
    findings.push(
      `ours unbound: ${oursUnbound.non2xx} non-2xx, ${oursUnbound.errors} errors (not counted)`,
    )
  const unboundP50 = round(oursUnbound.p50Ms / floor.p50Ms)
  const unboundRps = round(oursUnbound.requestsPerSecond / floor.requestsPerSecond)
  figures.push(
    measured(
      'ratio ours unbound/floor p50',
      unboundP50,
      '×',
      "without wrangler's rate-limit stand-in",
    ),
  )
  figures.push(
    measured(
      'ratio ours unbound/floor throughput',
      unboundRps,
      '×',
      "without wrangler's rate-limit stand-in",
    ),
  )
  if (!Number.isFinite(floorP50) || !Number.isFinite(floorRps)) {
    findings.push(`floor: no successful answer (${floor.non2xx} non-2xx, ${floor.errors} errors)`)
  } else if (floorP50 > FLOOR_GOAL.p50 || floorRps < FLOOR_GOAL.throughput) {
    losses.push({
      what: `cache hits against the runtime's floor: ours is ${round(floorP50)}× its p50 (goal ≤ ${FLOOR_GOAL.p50}) and ${round(floorRps)}× its requests/s (goal ≥ ${FLOOR_GOAL.throughput})`,
      close: `a warm hit already skips the Cache API read, AES-GCM opening, key hashing and per-hit writes (the isolate keeps recent plaintext and the prepared request, and batches counters): the KEY_LIMITER rate-limit binding is called once per 8 requests of a key, not waited on (packages/edge/src/auth/rate.ts), but wrangler's local stand-in for it is still a JSON round trip to a Durable Object that writes SQLite per call (production's binding counts in memory on the machine) — without it, same run: ${unboundP50}× the floor's p50, ${unboundRps}× its requests/s — then authentication, Hono's routing and validation, and building the response with its headers`,
    })
  } else {
    findings.push(
      `hits at the runtime's floor: ${round(floorP50)}× its p50, ${round(floorRps)}× its requests/s`,
    )
  }

  const server = await ctx.nginx
  let nginx: LoadResult | undefined
  if (typeof server === 'string') {
    const why = `nginx unavailable: ${server}`
    for (const m of ['p50', 'p95', 'p99'])
      figures.push(notMeasured(`nginx proxy_cache HIT ${m}`, 'ms', why))
    figures.push(notMeasured('nginx proxy_cache HIT throughput', 'req/s', why))
  } else {
    settings.nginx = `${server.version}, worker_processes ${server.workerProcesses}, proxy_cache on disk keyed on method+URI+body, access_log off`
    await warm(`${server.url}/v1/audio/speech`, upstreamInit, 'x-cache', 'HIT')
    ctx.log(`row 1: nginx HIT load, ${connections} connections × ${durationS} s`)
    nginx = await runLoad({
      url: `${server.url}/v1/audio/speech`,
      method: 'POST',
      headers: upstreamInit.headers,
      body: upstreamInit.body,
      connections,
      durationS,
    })
    figures.push(...loadFigures('nginx proxy_cache HIT', nginx))
    if (nginx.non2xx + nginx.errors > 0)
      findings.push(`nginx: ${nginx.non2xx} non-2xx, ${nginx.errors} errors (not counted)`)
  }

  ctx.log(`row 1: emulator direct (miss every time), ${connections} connections × ${durationS} s`)
  const direct = await runLoad({
    url: `${ctx.emulator.url}/v1/audio/speech`,
    method: 'POST',
    headers: upstreamInit.headers,
    body: upstreamInit.body,
    connections,
    durationS,
  })
  figures.push(...loadFigures('emulator direct (miss)', direct))

  if (nginx) {
    const p50 = ours.p50Ms / nginx.p50Ms
    const p99 = ours.p99Ms / nginx.p99Ms
    const rps = ours.requestsPerSecond / nginx.requestsPerSecond
    figures.push(measured('ratio ours/nginx p50', round(p50), '×'))
    figures.push(measured('ratio ours/nginx p99', round(p99), '×'))
    figures.push(measured('ratio ours/nginx throughput', round(rps), '×'))
    figures.push(
      measured(
        'ratio floor/nginx p50',
        round(floor.p50Ms / nginx.p50Ms),
        '×',
        'what wrangler dev itself costs',
      ),
    )
    if (p50 > 1 || rps < 1) {
      losses.push({
        what: `cache hits: ours is ${round(p50)}× nginx's p50 latency and serves ${round(rps)}× its requests/s`,
        close:
          'most of the gap is wrangler dev itself (the floor row: a worker that only answers bytes from memory is already this far behind nginx); on top, each hit is authenticated and rate-limited (wrangler simulates the rate-limit binding locally), routed and validated by Hono. A cold isolate also reads and opens the sealed entry (ciphertext at every layer) and hashes the key; a warm one answers from its own recent plaintext. In production the cache sits in the data centre nearest the caller, which one nginx box does not.',
      })
    } else {
      findings.push(`ours beats nginx on hits: ${round(p50)}× its p50, ${round(rps)}× its req/s`)
    }
  }
  findings.push(
    `ours serves hits at ${round(ours.requestsPerSecond / Math.max(direct.requestsPerSecond, 0.001))}× the emulator's miss throughput`,
  )
  return {
    id: 1,
    title: 'Cache-hit serving (~100 KB WAV phrase)',
    figures,
    findings,
    losses,
    settings,
    method:
      'Fixed connections and duration per target, one target at a time, all on 127.0.0.1. Latency is per 2xx response (autocannon), quantiles exact over every one; throughput counts 2xx answers only. The edge per-key rate limit is lifted for the run (see settings.edgeRateLimits). The emulator is single-GPU (one synthesis at a time), so its latency includes queueing behind the other connections.',
    durationS: 0,
  }
}
