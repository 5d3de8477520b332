/**
 * @module rows/memory — row 8: memory of the edge's workerd process while it streams an
 * uncached ~60-second answer, sampled from /proc every 10 ms, against the same answer as a
 * whole file. It reads the RSS of the whole workerd process (every isolate, V8's heap as the
 * OS sees it, wasm memories, caches): an upper bound on the isolate's share, and V8 may keep
 * freed memory, so it is compared as growth over the reading just before the request.
 */
import { readFileSync } from 'node:fs'
import { speechInit, timedFetch } from '../http/index.ts'
import { type Figure, type Loss, measured, notMeasured, type RowResult } from '../result/index.ts'
import { round } from '../stats/index.ts'
import type { RowContext } from './context.ts'

// Pacing at 20× real time, no first-chunk delay: the edge calls the upstream once per sentence,
// and the point here is memory, not latency.
const PROFILE = { ttfbMs: 0, rtf: 0.05 }

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : Number.NaN
}

/** RSS of the processes `pids` summed, sampled while `run` runs. */
async function sampled(pids: number[], run: () => Promise<unknown>) {
  const read = () => pids.reduce((n, pid) => n + rssKiB(pid), 0)
  const baseline = read()
  let peak = baseline
  const timer = setInterval(() => {
    peak = Math.max(peak, read())
  }, 10)
  try {
    await run()
  } finally {
    clearInterval(timer)
  }
  peak = Math.max(peak, read())
  return { baselineMiB: baseline / 1024, peakMiB: peak / 1024, growthMiB: (peak - baseline) / 1024 }
}

/**
 * @example
 * const row = await memoryRow(ctx)
 */
export async function memoryRow(ctx: RowContext): Promise<RowResult> {
  const { worker, proxy } = ctx.edge.workerd()
  const chars = 900
  const base = {
    id: 8,
    title: 'Edge memory while streaming a ~60 s answer',
    findings: [] as string[],
    settings: { textChars: chars, format: 'wav', emulatorProfile: PROFILE, sampleEveryMs: 10 },
    method:
      "VmRSS of the workerd process that runs the worker under wrangler dev (from /proc/<pid>/status; wrangler's proxy workerd, which owns the public port, is reported apart), sampled every 10 ms during the request; growth = peak minus the reading just before. This is the whole process, not the isolate's heap alone.",
    durationS: 0,
  }
  if (worker.length === 0) {
    const why = 'no workerd process running the worker found in the edge process group'
    return { ...base, figures: [notMeasured('stream peak growth', 'MiB', why)], losses: [] }
  }
  await ctx.emulator.latency(PROFILE)
  const run = (stream: boolean) => async () => {
    const r = await timedFetch(
      `${ctx.edge.url}/v1/audio/speech`,
      speechInit(ctx.freshText(chars), { apiKey: ctx.edge.apiKey, format: 'wav', stream }),
    )
    if (r.status !== 200) throw new Error(`edge answered ${r.status}`)
    return r.bytes
  }
  ctx.log('row 8: workerd RSS while streaming, then as a whole file')
  let bytes = 0
  let proxyStream = { baselineMiB: 0, peakMiB: 0, growthMiB: 0 }
  const stream = await sampled(worker, async () => {
    proxyStream = await sampled(proxy, async () => {
      bytes = await run(true)()
    })
  })
  await new Promise((r) => setTimeout(r, 1000))
  const whole = await sampled(worker, run(false))
  const figures: Figure[] = [
    measured('answer size', round(bytes / 2 ** 20), 'MiB', 'WAV, 24 kHz 16-bit mono'),
    measured('stream: workerd RSS before', round(stream.baselineMiB), 'MiB'),
    measured('stream: peak RSS growth', round(stream.growthMiB), 'MiB'),
    measured('whole file: peak RSS growth', round(whole.growthMiB), 'MiB'),
    measured(
      "stream: wrangler's proxy workerd peak RSS growth",
      round(proxyStream.growthMiB),
      'MiB',
      'not part of a deployed worker',
    ),
  ]
  const losses: Loss[] = []
  const answerMiB = bytes / 2 ** 20
  if (stream.growthMiB >= answerMiB) {
    losses.push({
      what: `streaming grew the worker's workerd RSS by ${round(stream.growthMiB)} MiB (whole file: ${round(whole.growthMiB)} MiB) for a ${round(answerMiB)} MiB answer: streaming does not keep the edge's memory below the answer's size`,
      close:
        'the streaming path keeps every PCM chunk it sends (and the encoded bytes) to cache the whole answer when the stream ends (packages/edge/src/speech/answer.ts at this commit); each sentence is already cached as it completes, so building the whole-answer entry from those segments later (or not caching streamed answers whole) would bound memory by about one sentence',
    })
  } else {
    base.findings.push(
      `streaming grew workerd by ${round(stream.growthMiB)} MiB for a ${round(answerMiB)} MiB answer`,
    )
  }
  return { ...base, figures, losses }
}
