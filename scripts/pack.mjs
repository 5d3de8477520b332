#!/usr/bin/env node
/**
 * @module pack — builds the four published packages (one tsdown run over the root config's
 * workspace) and packs each with `pnpm pack`, which applies `publishConfig` and turns
 * `workspace:*` into real versions exactly as `changeset publish` will. Used by
 * release-check.mjs and pack-smoke.mjs; alone it leaves the tarballs in the directory it prints.
 *
 * @example
 * node scripts/pack.mjs [--out DIR] [--no-build]
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))

/** The published packages: workspace folder and name. Keep in step with tsdown.config.ts. */
export const PUBLISHED = [
  { dir: 'packages/core', name: '@tts/core' },
  { dir: 'packages/espeak', name: '@tts/espeak' },
  { dir: 'packages/client', name: '@tts/client' },
  { dir: 'packages/cli', name: '@tts/cli' },
]

/**
 * Runs a command with inherited output, throwing on a non-zero exit.
 *
 * @example
 * run('pnpm', ['exec', 'tsdown'], { cwd: ROOT })
 */
export function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: 'inherit', ...options })
}

/** Seconds since `start` (a `performance.now()` value), for the step timings CI prints. */
export function seconds(start) {
  return `${((performance.now() - start) / 1000).toFixed(1)} s`
}

/**
 * Builds (unless `build` is false) and packs every published package into `out`.
 *
 * @example
 * const tarballs = buildAndPack({ out: '/tmp/packs' }) // [{ name: '@tts/core', file: '/tmp/packs/tts-core-0.0.0.tgz', dir }, ...]
 */
export function buildAndPack({
  out = mkdtempSync(join(tmpdir(), 'tts-pack-')),
  build = true,
} = {}) {
  mkdirSync(out, { recursive: true })
  if (build) {
    const start = performance.now()
    run('pnpm', ['exec', 'tsdown'], { cwd: ROOT })
    console.log(`pack: built ${PUBLISHED.length} packages in ${seconds(start)}`)
  }
  return PUBLISHED.map(({ dir, name }) => {
    const before = new Set(readdirSync(out))
    execFileSync('pnpm', ['pack', '--pack-destination', out], {
      cwd: join(ROOT, dir),
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    const made = readdirSync(out).filter((f) => f.endsWith('.tgz') && !before.has(f))
    const expected = `${name.slice(1).replace('/', '-')}-`
    const file = made.find((f) => f.startsWith(expected))
    if (!file) throw new Error(`pack: pnpm pack made no ${expected}*.tgz for ${name}`)
    return { name, dir: join(ROOT, dir), file: join(out, file) }
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2)
  const outIndex = args.indexOf('--out')
  const tarballs = buildAndPack({
    ...(outIndex >= 0 ? { out: resolve(args[outIndex + 1] ?? '') } : {}),
    build: !args.includes('--no-build'),
  })
  for (const t of tarballs) console.log(t.file)
}
