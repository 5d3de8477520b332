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

const PROFILE = { ttfbMs: 600, rtf: 0.1 }

function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) : Number.NaN
}

async function sampled(pid: number, run: () => Promise<unknown>) {
  const baseline = rssKiB(pid)
  let peak = baseline
  const timer = setInterval(() => {
    peak = Math.max(peak, rssKiB(pid))
  }, 10)
  try {
    await run()
  } finally {
    clearInterval(timer)
  }
  peak = Math.max(peak, rssKiB(pid))
  return { baselineMiB: baseline / 1024, peakMiB: peak / 1024, growthMiB: (peak - baseline) / 1024 }
}

/**
 * @example
 * const row = await memoryRow(ctx)
 */
export async function memoryRow(ctx: RowContext): Promise<RowResult> {
  const pid = ctx.edge.workerdPid()
  const chars = 900
  const base = {
    id: 8,
    title: 'Edge memory while streaming a ~60 s answer',
    findings: [] as string[],
    settings: { textChars: chars, format: 'wav', emulatorProfile: PROFILE, sampleEveryMs: 10 },
    method:
      "VmRSS of the workerd process wrangler dev runs (from /proc/<pid>/status), sampled every 10 ms during the request; growth = peak minus the reading just before. This is the whole process, not the isolate's heap alone.",
    durationS: 0,
  }
  if (pid === undefined) {
    const why = 'no workerd process found in the edge process group'
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
  const stream = await sampled(pid, async () => {
    bytes = await run(true)()
  })
  await new Promise((r) => setTimeout(r, 1000))
  const whole = await sampled(pid, run(false))
  const figures: Figure[] = [
    measured('answer size', round(bytes / 2 ** 20), 'MiB', 'WAV, 24 kHz 16-bit mono'),
    measured('stream: workerd RSS before', round(stream.baselineMiB), 'MiB'),
    measured('stream: peak RSS growth', round(stream.growthMiB), 'MiB'),
    measured('whole file: peak RSS growth', round(whole.growthMiB), 'MiB'),
  ]
  const losses: Loss[] = []
  if (stream.growthMiB >= bytes / 2 ** 20) {
    losses.push({
      what: `streaming grew workerd by ${round(stream.growthMiB)} MiB, at least the ${round(bytes / 2 ** 20)} MiB answer: the stream still holds the whole audio`,
      close:
        'the streaming path keeps every PCM chunk (and the encoded bytes) to cache the answer at the end; writing each sentence to the cache as it completes (it is already cached per sentence) and dropping the whole-answer copy would bound memory by one sentence',
    })
  }
  return { ...base, figures, losses }
}
