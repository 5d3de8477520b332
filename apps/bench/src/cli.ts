#!/usr/bin/env node
/**
 * @module cli — `pnpm bench [--quick] [--only 1,3]`: starts the emulator and the edge (and
 * nginx for row 1) on 127.0.0.1, runs the rows, stops everything it started (also on Ctrl-C,
 * on failure and at the time limit), prints the table and writes
 * bench/results/<timestamp>.json and bench/results/latest.json.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { machineFacts } from './machine/index.ts'
import { createProcessSet } from './procs/index.ts'
import { renderTable } from './report/index.ts'
import type { BenchResult, RowResult } from './result/index.ts'
import { browserTtfaRow } from './rows/browser-ttfa.ts'
import { cacheHitRow } from './rows/cache-hit.ts'
import { coalescingRow } from './rows/coalescing.ts'
import { FAST_PROFILE, freshTexts, type RowContext, XTTS_PROFILE } from './rows/context.ts'
import { fallbackRow } from './rows/fallback.ts'
import { footprintRow } from './rows/footprint.ts'
import { formatsRow } from './rows/formats.ts'
import { longAnswerRow } from './rows/long-answer.ts'
import { memoryRow } from './rows/memory.ts'
import { offloadRow } from './rows/offload.ts'
import { tempoRow } from './rows/tempo.ts'
import { ttfaRow } from './rows/ttfa.ts'
import { startEdge } from './services/edge.ts'
import { startEmulator } from './services/emulator.ts'
import { ensureNginx, type Nginx, startNginx } from './services/nginx.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const ROWS: Record<number, (ctx: RowContext) => Promise<RowResult>> = {
  1: cacheHitRow,
  2: ttfaRow,
  3: offloadRow,
  4: coalescingRow,
  5: fallbackRow,
  6: formatsRow,
  8: memoryRow,
  9: browserTtfaRow,
  10: tempoRow,
  11: longAnswerRow,
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    console.log(
      'usage: pnpm bench [--quick] [--only 1,2,...]   (rows 1-11; see bench/results/README.md)',
    )
    return 0
  }
  const only = values.only
    ? new Set(values.only.split(',').map((s) => Number(s.trim())))
    : new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])
  for (const n of only) {
    if (!Number.isInteger(n) || n < 1 || n > 11)
      throw new UsageError(`--only takes row numbers 1 to 11, got "${values.only}"`)
  }
  const quick = values.quick ?? false
  const limitS = quick ? 240 : 1800
  const startedAt = new Date()
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const procs = createProcessSet()
  const tmp = mkdtempSync(join(tmpdir(), 'tts-bench-'))
  let stopping: Promise<void> | undefined
  const cleanup = () => {
    stopping ??= procs.stopAll().finally(() => rmSync(tmp, { recursive: true, force: true }))
    return stopping
  }
  const onSignal = (signal: NodeJS.Signals) => {
    log(`bench: ${signal}, stopping everything it started`)
    void cleanup().finally(() => process.exit(130))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  // A throw outside a row (in a server callback, say) must not leave the servers running.
  process.once('uncaughtException', (error) => {
    log(`bench: ${error.stack ?? error.message}`)
    void cleanup().finally(() => process.exit(1))
  })
  const limit = setTimeout(() => {
    log(`bench: time limit of ${limitS} s reached, stopping everything it started`)
    void cleanup().finally(() => process.exit(124))
  }, limitS * 1000)
  limit.unref()

  const rows: RowResult[] = []
  let edgeBundleBytes: number | undefined
  let edgeRateLimits: unknown
  const runRow = async (id: number, run: () => Promise<RowResult>) => {
    const t0 = performance.now()
    try {
      const row = await run()
      rows.push({ ...row, durationS: Math.round((performance.now() - t0) / 100) / 10 })
    } catch (error) {
      log(`bench: row ${id} failed: ${error instanceof Error ? error.message : String(error)}`)
      if (process.env.BENCH_VERBOSE) log(procs.tails())
      rows.push({
        id,
        title: `row ${id}`,
        figures: [],
        findings: [],
        losses: [],
        settings: {},
        method: '',
        error: error instanceof Error ? (error.message.split('\n')[0] ?? 'error') : String(error),
        durationS: Math.round((performance.now() - t0) / 100) / 10,
      })
    }
  }

  try {
    log(
      `bench: ${quick ? 'quick' : 'full'} run, rows ${[...only].join(',')}; starting the emulator`,
    )
    const needsStack = [...only].some((n) => n !== 7)
    const emulator = needsStack ? await startEmulator(procs, ROOT, XTTS_PROFILE) : undefined
    if (needsStack) log(`bench: emulator at ${emulator?.url}; starting the edge (wrangler dev)`)
    const edgeStarting = emulator ? startEdge(procs, ROOT, tmp, emulator.url) : undefined
    edgeStarting?.catch(() => {})
    // Started beside the edge's start-up (which takes seconds), when a chosen row needs them.
    const nginx: Promise<Nginx | string> =
      emulator && only.has(1)
        ? (async () => {
            const binary = ensureNginx(log)
            if (typeof binary === 'string') return binary
            return startNginx(procs, binary.path, tmp, emulator.url)
          })()
        : Promise.resolve('row 1 not chosen')
    nginx.catch(() => {})
    const baselineEmulator = startEmulator(procs, ROOT, FAST_PROFILE, 'emulator-baseline')
    baselineEmulator.catch(() => {})
    const partial = { root: ROOT, tmp, quick, procs, log, freshText: freshTexts() }
    // Sizes only: it may run while the edge starts.
    if (only.has(7)) {
      await runRow(7, () => footprintRow({ ...partial } as unknown as RowContext))
    }
    if (emulator && edgeStarting) {
      const t0 = performance.now()
      const edge = await edgeStarting
      log(`bench: edge at ${edge.url} (ready after ${Math.round(performance.now() - t0)} ms more)`)
      edgeBundleBytes = edge.bundleBytes
      edgeRateLimits = edge.rateLimits
      const ctx: RowContext = { ...partial, emulator, edge, nginx, baselineEmulator }
      for (const id of [1, 2, 3, 4, 5, 6, 8, 9, 10, 11]) {
        const run = ROWS[id]
        if (only.has(id) && run) await runRow(id, () => run(ctx))
      }
    }
  } finally {
    clearTimeout(limit)
    await cleanup()
  }
  rows.sort((a, b) => a.id - b.id)
  const result: BenchResult = {
    schema: 1,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    command: `pnpm bench${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    git: { commit: git(['rev-parse', 'HEAD']), dirty: git(['status', '--porcelain']) !== '' },
    machine: machineFacts(),
    settings: {
      rows: [...only],
      timeLimitS: limitS,
      host: '127.0.0.1',
      edgeBundleBytes,
      edgeRateLimits: {
        project: edgeRateLimits,
        bench: 'limit raised to 1e9 per period: one key under load would measure 429s',
      },
      edge: 'wrangler dev --no-bundle on the worker as `wrangler deploy --dry-run` bundles it (workerd, local R2/KV/Cache/DO storage on disk)',
    },
    rows,
  }
  const dir = join(ROOT, 'bench/results')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${result.startedAt.replace(/[:.]/g, '-')}.json`)
  const json = `${JSON.stringify(result, null, 2)}\n`
  writeFileSync(file, json)
  writeFileSync(join(dir, 'latest.json'), json)
  console.log(renderTable(result))
  console.log(`\nwritten: ${relative(process.cwd(), file)} and bench/results/latest.json`)
  return rows.some((r) => r.error) ? 1 : 0
}

class UsageError extends Error {}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`bench: ${(error as Error).message}\n`)
      process.exit(2)
    }
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exit(1)
  },
)
