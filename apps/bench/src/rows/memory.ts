/**
 * @module rows/memory — row 8: memory of the edge while it streams an uncached ~60-second
 * answer, against the same length as a whole file. Two readings: the worker isolate's heap
 * (JS heap in use + ArrayBuffer backing stores, over the DevTools protocol; garbage not yet
 * collected included) — closest to what "holds the whole file" means; and the RSS of the workerd process
 * running the worker (/proc), which V8's retained pages and every other isolate blur. Both are
 * growth over the reading just before the request.
 */
import { readFileSync } from 'node:fs'
import { speechInit, timedFetch } from '../http/index.ts'
import { connectInspector, type IsolateInspector } from '../inspector/index.ts'
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

/**
 * Peak growth of the isolate's heap + array buffers while `run` runs. workerd does not answer
 * `HeapProfiler.collectGarbage`, so the peak includes garbage not yet collected: an upper bound
 * on what the request keeps alive.
 */
async function heapSampled(inspector: IsolateInspector, run: () => Promise<unknown>) {
  const read = async () => {
    const h = await inspector.heap()
    return h.usedSize + h.backingStorageSize
  }
  // Let V8 collect the previous request's garbage (idle-time GC) before the baseline, for up
  // to 8 s: until readings 250 ms apart stop falling.
  let previous = await read()
  for (let waited = 0; waited < 8000; waited += 250) {
    await new Promise((r) => setTimeout(r, 250))
    const now = await read()
    if (waited >= 1000 && now >= previous * 0.99) break
    previous = now
  }
  const baseline = await read()
  const first = await inspector.heap()
  let peak = baseline
  let low = baseline
  let peakBacking = first.backingStorageSize
  let samples = 0
  let done = false
  const sampling = (async () => {
    while (!done) {
      const h = await inspector.heap()
      samples++
      peak = Math.max(peak, h.usedSize + h.backingStorageSize)
      low = Math.min(low, h.usedSize + h.backingStorageSize)
      peakBacking = Math.max(peakBacking, h.backingStorageSize)
      await new Promise((r) => setTimeout(r, 10))
    }
  })()
  try {
    await run()
  } finally {
    done = true
    await sampling
  }
  return {
    baselineMiB: baseline / 2 ** 20,
    growthMiB: (peak - baseline) / 2 ** 20,
    backingGrowthMiB: (peakBacking - first.backingStorageSize) / 2 ** 20,
    samples,
    // A request that moves megabytes of audio leaves the reading unchanged only if the
    // inspected isolate is not the one serving it.
    moved: peak !== low,
  }
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
  const chars = 900
  const base = {
    id: 8,
    title: 'Edge memory while streaming a ~60 s answer',
    findings: [] as string[],
    settings: { textChars: chars, format: 'wav', emulatorProfile: PROFILE, sampleEveryMs: 10 },
    method:
      "Isolate: Runtime.getHeapUsage (usedSize + backingStorageSize) over wrangler's inspector, sampled back to back during the request; growth = peak minus the reading just before; it includes garbage not yet collected (workerd does not answer HeapProfiler.collectGarbage), so it is an upper bound on what the request keeps alive; samples are answered only between the isolate's tasks, so a peak inside one long task (joining and encoding a whole file) can be missed. Process: VmRSS of the workerd process that runs the worker under wrangler dev (from /proc/<pid>/status; wrangler's proxy workerd, which owns the public port, is reported apart), sampled every 10 ms during the request; growth = peak minus the reading just before. This is the whole process, not the isolate's heap alone.",
    durationS: 0,
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
  // First use in an isolate (key import, wasm, module state) must not count as either variant.
  for (const stream of [true, false]) {
    await timedFetch(
      `${ctx.edge.url}/v1/audio/speech`,
      speechInit(ctx.freshText(120), { apiKey: ctx.edge.apiKey, format: 'wav', stream }),
    )
  }
  // Looked up after the warm-up: wrangler may (re)start the worker's workerd at its first use.
  const { worker, proxy: proxyPids } = ctx.edge.workerd()
  if (worker.length === 0) {
    const why = 'no workerd process running the worker found in the edge process group'
    return { ...base, figures: [notMeasured('stream peak growth', 'MiB', why)], losses: [] }
  }
  const inspector = await connectInspector(ctx.edge.inspectorUrl)
  const measure = async (stream: boolean) => {
    let bytes = 0
    let rss = { baselineMiB: 0, peakMiB: 0, growthMiB: 0 }
    let proxy = { baselineMiB: 0, peakMiB: 0, growthMiB: 0 }
    const heap = await heapSampled(inspector, async () => {
      rss = await sampled(worker, async () => {
        proxy = await sampled(proxyPids, async () => {
          bytes = await run(stream)()
        })
      })
    })
    return { bytes, heap, rss, proxy }
  }
  let stream: Awaited<ReturnType<typeof measure>>
  let whole: Awaited<ReturnType<typeof measure>>
  try {
    stream = await measure(true)
    whole = await measure(false)
  } finally {
    inspector.close()
  }
  const answerMiB = stream.bytes / 2 ** 20
  const heapValid = stream.heap.moved && whole.heap.moved
  const heapWhy =
    "the inspector's heap readings did not move at all during the request, so the inspected isolate is not the one serving it"
  const heapFigure = (label: string, value: number, note?: string) =>
    heapValid ? measured(label, round(value), 'MiB', note) : notMeasured(label, 'MiB', heapWhy)
  const figures: Figure[] = [
    measured('answer size', round(answerMiB), 'MiB', 'WAV, 24 kHz 16-bit mono'),
    heapFigure('stream: isolate heap + buffers peak growth', stream.heap.growthMiB),
    heapFigure('whole file: isolate heap + buffers peak growth', whole.heap.growthMiB),
    heapFigure(
      'stream: of which array-buffer backing stores',
      stream.heap.backingGrowthMiB,
      `${stream.heap.samples} samples`,
    ),
    heapFigure(
      'whole file: of which array-buffer backing stores',
      whole.heap.backingGrowthMiB,
      `${whole.heap.samples} samples`,
    ),
    measured('stream: workerd RSS peak growth', round(stream.rss.growthMiB), 'MiB'),
    measured('whole file: workerd RSS peak growth', round(whole.rss.growthMiB), 'MiB'),
    measured('workerd RSS before', round(stream.rss.baselineMiB), 'MiB'),
    measured(
      "stream: wrangler's proxy workerd RSS peak growth",
      round(stream.proxy.growthMiB),
      'MiB',
      'not part of a deployed worker',
    ),
  ]
  const losses: Loss[] = []
  if (heapValid && stream.heap.growthMiB >= 0.8 * answerMiB) {
    losses.push({
      what: `streaming a ${round(answerMiB)} MiB answer grew the isolate's heap and buffers by ${round(stream.heap.growthMiB)} MiB at peak (whole file: ${round(whole.heap.growthMiB)} MiB): streaming does not keep the edge below the answer's size`,
      close:
        'this row reads peak heap, which includes garbage not yet collected: the streaming path holds at most two sentences (the one sent and the one read ahead), and row 11 measures what is retained after the answer, after a full collection (a heap snapshot): about nothing',
    })
  } else if (heapValid) {
    base.findings.push(
      `streaming grew the isolate by ${round(stream.heap.growthMiB)} MiB for a ${round(answerMiB)} MiB answer (whole file: ${round(whole.heap.growthMiB)} MiB)`,
    )
  }
  return { ...base, figures, losses }
}
