#!/usr/bin/env node
/**
 * @module copy-wasm — copies the audio encoders' WebAssembly out of node_modules into
 * `src/encode/assets/` and records their SHA-256, or (`--check`) verifies that the committed
 * copies are intact and still match the installed packages.
 *
 * Why copies at all: a `.wasm` import that resolves into the pnpm store fails inside the
 * Workers test pool, so the worker imports files that live in this package.
 * Why committed rather than copied at install time: `wrangler dev`, `wrangler deploy
 * --dry-run`, `tsc` and the workerd test pool then all work from a fresh clone with no hook
 * that can be skipped or run in the wrong order, and what is deployed is exactly what was
 * reviewed. The price is ~0.5 MB of binaries in git and the risk of drift after a
 * dependency upgrade, which `--check` catches: `pnpm check:release` (part of `pnpm check`) runs it.
 *
 * Usage: node scripts/copy-wasm.mjs          copy and rewrite checksums.json
 *        node scripts/copy-wasm.mjs --check  exit 1 if a copy is missing, altered or stale
 */
import { createHash } from 'node:crypto'
import { copyFile, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const assets = join(here, '..', 'src', 'encode', 'assets')
const manifestPath = join(assets, 'checksums.json')

// `wasm-media-encoders` exports `./wasm/mp3.wasm` as `./wasm.mp3.wasm` (a typo), and neither
// package exports its package.json, so the files are found from each package's root.
const SOURCES = [
  { file: 'mp3.wasm', pkg: 'wasm-media-encoders', path: 'wasm/mp3.wasm' },
  { file: 'opus.wasm', pkg: '@evan/opus', path: 'wasm/opus.wasm' },
]

async function packageRoot(name) {
  let dir = dirname(fileURLToPath(import.meta.resolve(name)))
  for (;;) {
    try {
      const json = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'))
      if (json.name === name) return { dir, version: json.version }
    } catch {
      // no package.json at this level: keep walking up
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`cannot find the root of the installed package ${name}`)
    dir = parent
  }
}

const sha256 = async (path) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex')

async function main() {
  const check = process.argv.includes('--check')
  const manifest = check ? JSON.parse(await readFile(manifestPath, 'utf8')) : {}
  const problems = []
  for (const source of SOURCES) {
    const { dir, version } = await packageRoot(source.pkg)
    const from = join(dir, source.path)
    const to = join(assets, source.file)
    const origin = `${source.pkg}@${version}/${source.path}`
    if (!check) {
      await copyFile(from, to)
      manifest[source.file] = { sha256: await sha256(to), from: origin }
      console.log(`copied ${origin} -> src/encode/assets/${source.file}`)
      continue
    }
    const recorded = manifest[source.file]
    const committed = await sha256(to).catch(() => undefined)
    const installed = await sha256(from)
    if (!recorded) problems.push(`${source.file}: not listed in checksums.json`)
    else if (committed !== recorded.sha256)
      problems.push(`${source.file}: missing or altered (sha256 differs from checksums.json)`)
    else if (installed !== committed)
      problems.push(`${source.file}: stale, the installed ${origin} differs; rerun copy-wasm`)
    else console.log(`ok ${source.file} (${origin})`)
  }
  if (!check) await writeFile(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
  if (problems.length > 0) {
    for (const p of problems) console.error(p)
    process.exit(1)
  }
}

await main()
