/**
 * @module rows/fallback — row 5: `synthesize()` of @tts/client (Node entry, espeak-ng as the
 * local engine) to audio in hand, when the edge is up (reference: an edge HIT), down with the
 * client's breaker closed (connection refused; and a black hole that accepts and never
 * answers, bounded by the client's timeout), and with the breaker open (no network at all).
 */
import { createServer, type Server, type Socket } from 'node:net'
import { createTtsClient, espeakEngine } from '@tts/client/node'
import { freePort, HOST } from '../procs/index.ts'
import { type Loss, measured, notMeasured, type RowResult } from '../result/index.ts'
import { round, summarize } from '../stats/index.ts'
import { FAST_PROFILE, type RowContext } from './context.ts'

const TEXT = 'The next train to the city centre leaves from platform two.'

/**
 * A TCP server that accepts connections and never answers (a hung edge), or with `reset`
 * closes each at once (a crashed one); it counts the connections either way.
 */
async function blackHole(reset = false): Promise<{
  url: string
  accepted: () => number
  close(): Promise<void>
}> {
  const sockets = new Set<Socket>()
  let accepted = 0
  const server: Server = createServer((socket) => {
    accepted++
    if (reset) {
      socket.destroy()
      return
    }
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, HOST, r))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://${HOST}:${port}`,
    accepted: () => accepted,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      }),
  }
}

async function timed(n: number, call: () => Promise<{ provider: string }>, want: string) {
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    const out = await call()
    times.push(performance.now() - t0)
    if (out.provider !== want) throw new Error(`expected provider ${want}, got ${out.provider}`)
  }
  return summarize(times)
}

/**
 * @example
 * const row = await fallbackRow(ctx)
 */
export async function fallbackRow(ctx: RowContext): Promise<RowResult> {
  const n = ctx.quick ? 3 : 10
  const nHang = ctx.quick ? 1 : 3
  const timeoutMs = 3000
  await ctx.emulator.latency(FAST_PROFILE)
  const engine = espeakEngine()
  await engine.warmUp()
  const client = (endpoint: string, threshold = 5) =>
    createTtsClient({
      endpoint,
      apiKey: ctx.edge.apiKey,
      cache: false,
      fallback: [engine],
      warmQueue: false,
      timeoutMs,
      breaker: { threshold, openMs: 300_000 },
    })
  const opts = { language: 'en', voice: 'alloy' }
  ctx.log(`row 5: fallback timings (${n} calls each, ${nHang} with a hung edge)`)

  // Edge up: the text is put in the edge's cache first; every call should then be an edge HIT.
  // A call that falls back anyway is reported with the client's reason, not hidden.
  const up = client(ctx.edge.url)
  const upReasons: string[] = []
  up.on('fallback', (e) => upReasons.push(e.reason))
  await up.synthesize(TEXT, opts)
  const upTimes: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    const out = await up.synthesize(TEXT, opts)
    if (out.provider === 'edge') upTimes.push(performance.now() - t0)
  }
  const edgeUp = summarize(upTimes)

  const refusedUrl = `http://${HOST}:${await freePort()}`
  // A fresh client per call keeps its breaker closed: each call pays the failed attempt.
  const refused = await timed(n, () => client(refusedUrl).synthesize(TEXT, opts), 'local')

  const hole = await blackHole()
  const resetter = await blackHole(true)
  let hung: ReturnType<typeof summarize>
  let open: ReturnType<typeof summarize>
  let attemptsWhileOpen: number
  try {
    hung = await timed(nHang, () => client(hole.url).synthesize(TEXT, opts), 'local')
    const tripped = client(resetter.url, 1)
    await tripped.synthesize(TEXT, opts)
    if (tripped.breaker.state !== 'open') throw new Error('the breaker did not open')
    const before = resetter.accepted()
    open = await timed(n, () => tripped.synthesize(TEXT, opts), 'local')
    attemptsWhileOpen = resetter.accepted() - before
  } finally {
    await Promise.all([hole.close(), resetter.close()])
  }
  const render = engine.synthesize
  if (!render) throw new Error('the espeak engine renders no bytes')
  await render({ text: TEXT, language: 'en', locale: 'en-US', speed: 1, pitch: 1 })
  // Measured last, warm, so it is comparable with the fallback calls that ran before it.
  const local = await timed(
    n,
    async () => {
      await render({ text: TEXT, language: 'en', locale: 'en-US', speed: 1, pitch: 1 })
      return { provider: 'local' }
    },
    'local',
  )
  const figures = [
    measured('local engine alone (espeak-ng)', round(local.p50), 'ms p50'),
    edgeUp.n > 0
      ? measured(
          'edge up (edge HIT, reference)',
          round(edgeUp.p50),
          'ms p50',
          edgeUp.n < n ? `${edgeUp.n} of ${n} calls answered by the edge` : undefined,
        )
      : notMeasured(
          'edge up (edge HIT, reference)',
          'ms p50',
          `no call was answered by the edge (client fallback reasons: ${upReasons.join(', ')})`,
        ),
    measured('edge down, connection refused, breaker closed', round(refused.p50), 'ms p50'),
    measured(
      'edge hung, breaker closed',
      round(hung.p50),
      'ms p50',
      `bounded by timeoutMs ${timeoutMs}`,
    ),
    measured('breaker open (no network)', round(open.p50), 'ms p50'),
    measured('breaker open: connections attempted', attemptsWhileOpen, 'connections'),
  ]
  const losses: Loss[] = []
  if (upReasons.length > 0) {
    losses.push({
      what: `with the edge up, ${upReasons.length} of ${n + 1} calls fell back to local speech (reasons: ${[...new Set(upReasons)].join(', ')})`,
      close:
        'a slow edge answer past the client timeout counts as a failure; see the reason: a timeout under load calls for a faster hit path (row 1) or a longer client timeout',
    })
  }
  if (hung.p50 > timeoutMs * 1.2) {
    losses.push({
      what: `a hung edge delays local audio to ${round(hung.p50)} ms, past the ${timeoutMs} ms timeout`,
      close:
        'the timeout should bound the whole edge attempt, retries included, when a local engine can take over',
    })
  }
  return {
    id: 5,
    title: 'Fallback to local audio (@tts/client, Node, espeak-ng)',
    figures,
    findings: [
      `breaker open: local audio ${round(open.p50 - local.p50)} ms over the engine's own time`,
      `connection refused: ${round(refused.p50 - local.p50)} ms over the engine's own time`,
    ],
    losses,
    settings: { calls: n, hungCalls: nHang, timeoutMs, textChars: TEXT.length, cache: false },
    method:
      'Wall time of synthesize() until it resolves with audio; the local cache is off so every call renders. "Edge up" is a HIT at the edge. "Refused" targets a free port nothing listens on; "hung" a TCP server that accepts and never answers. Each breaker-closed call uses a fresh client; the open case trips a client with threshold 1 against a server that resets every connection, then counts the connections it attempts while open.',
    durationS: 0,
  }
}
