#!/usr/bin/env node
/**
 * @module deploy-check — the edge's `wrangler deploy --dry-run` (its own `deploy:check` script)
 * and the size of what it would upload, held under Cloudflare's 10 MB compressed limit for
 * paid Workers with a margin: the check fails at 80 % (8 MiB), so growth is seen well before a
 * deploy is refused. The size is wrangler's own "gzip" figure and, as a cross-check, the gzip
 * of every module file in the output directory (source maps and README are not uploaded as
 * modules); the larger one counts.
 *
 * @example
 * node scripts/deploy-check.mjs   # prints "deploy-check: worker bundle 948 KiB gzip of 10240 KiB limit (9 %) ..."
 */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { ROOT, seconds } from './pack.mjs'

const LIMIT_KIB = 10 * 1024
const BUDGET_KIB = LIMIT_KIB * 0.8
const OUTDIR = join(ROOT, 'packages/edge/.tmp/deploy')

const start = performance.now()
const begun = Date.now()
let output
try {
  output = execFileSync('pnpm', ['--filter', '@tts/edge', 'run', 'deploy:check'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
} catch (error) {
  process.stderr.write(`${error.stdout ?? ''}${error.stderr ?? ''}`)
  console.error('deploy-check: wrangler deploy --dry-run failed (output above)')
  process.exit(1)
}

const reported = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(output)
if (!reported) {
  process.stderr.write(output)
  console.error('deploy-check: wrangler printed no "Total Upload: … / gzip: …" line')
  process.exit(1)
}
const wranglerGzipKiB = Number(reported[2])

const modules = readdirSync(OUTDIR).filter((f) => !f.endsWith('.map') && f !== 'README.md')
const stale = modules.filter((f) => statSync(join(OUTDIR, f)).mtimeMs < begun - 1000)
if (modules.length === 0 || stale.length > 0) {
  console.error(`deploy-check: ${OUTDIR} holds no fresh output (stale: ${stale.join(', ')})`)
  process.exit(1)
}
let gzipBytes = 0
const rows = modules.map((f) => {
  const bytes = readFileSync(join(OUTDIR, f))
  const gz = gzipSync(bytes, { level: 9 }).length
  gzipBytes += gz
  return `  ${f.padEnd(56)} ${(bytes.length / 1024).toFixed(0).padStart(6)} KiB  gzip ${(gz / 1024).toFixed(0).padStart(5)} KiB`
})
const ownGzipKiB = gzipBytes / 1024
const sizeKiB = Math.max(wranglerGzipKiB, ownGzipKiB)
const share = ((sizeKiB / LIMIT_KIB) * 100).toFixed(0)

console.log(rows.join('\n'))
console.log(
  `deploy-check: worker bundle ${sizeKiB.toFixed(0)} KiB gzip of ${LIMIT_KIB} KiB limit (${share} %; ` +
    `wrangler ${wranglerGzipKiB.toFixed(0)} KiB, modules ${ownGzipKiB.toFixed(0)} KiB; budget ` +
    `${BUDGET_KIB.toFixed(0)} KiB) in ${seconds(start)}`,
)
if (sizeKiB > BUDGET_KIB) {
  console.error(
    `deploy-check: the worker is over its budget of ${BUDGET_KIB.toFixed(0)} KiB gzip (80 % of ` +
      "Cloudflare's 10 MB limit); see what grew with `wrangler deploy --dry-run --outdir` and the metafile",
  )
  process.exit(1)
}
