#!/usr/bin/env node
/**
 * @module release-check — what `pnpm check` runs so that what npm would ship is what we tested:
 * builds and packs the four published packages (pack.mjs), then for each tarball checks
 * - its contents: only `dist/`, the manifest, README, licence and notice files; no tests,
 *   fixtures, TypeScript sources or secrets; every `exports`/`bin` target present; no
 *   `workspace:` ranges left; the bin starts with a shebang;
 * - its source maps: every source resolves inside the package (no `../../node_modules/.pnpm`
 *   paths, nothing outside the tarball's root) and carries its text in `sourcesContent`, since
 *   `src/` is not shipped;
 * - publint (strict, on the tarball itself) and Are the Types Wrong (`attw` on the tarball,
 *   profile `esm-only`: the packages are ESM only by design, Node 22.12+ loads them from
 *   `require` too, and the CommonJS resolution modes would only report that choice);
 * then runs pack-smoke.mjs on the same tarballs.
 *
 * @example
 * node scripts/release-check.mjs [--no-build] [--no-smoke]
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { checkContents } from './lib/tarball.mjs'
import { buildAndPack, ROOT, run, seconds } from './pack.mjs'

async function checkPublint(tarball) {
  const bytes = readFileSync(tarball)
  const tarballBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length)
  const { messages, pkg } = await publint({ pack: { tarball: tarballBuffer }, strict: true })
  return messages.map((m) => `publint ${m.type}: ${formatMessage(m, pkg, { color: false })}`)
}

const args = process.argv.slice(2)
const start = performance.now()
const out = mkdtempSync(join(tmpdir(), 'tts-release-check-'))
let failed = false
try {
  const tarballs = buildAndPack({ out, build: !args.includes('--no-build') })
  for (const { name, file } of tarballs) {
    const unpacked = join(out, `${name.replace('/', '__')}-unpacked`)
    execFileSync('mkdir', ['-p', unpacked])
    execFileSync('tar', ['xzf', file, '-C', unpacked])
    const { problems, files } = checkContents(join(unpacked, 'package'))
    problems.push(...(await checkPublint(file)))
    const size = (statSync(file).size / 1024).toFixed(0)
    if (problems.length > 0) {
      failed = true
      console.error(`release-check: ${name} (${files} files, ${size} KiB packed):`)
      for (const p of problems) console.error(`  - ${p}`)
    } else {
      console.log(
        `release-check: ${name}: ${files} files, ${size} KiB packed; contents, maps, publint ok`,
      )
    }
    try {
      execFileSync(
        join(ROOT, 'node_modules/.bin/attw'),
        [file, '--profile', 'esm-only', '--no-definitely-typed', '--format', 'ascii', '--no-color'],
        { cwd: dirname(file), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      )
      console.log(`release-check: ${name}: attw (esm-only) ok`)
    } catch (error) {
      failed = true
      console.error(`release-check: ${name}: attw found problems:\n${error.stdout}${error.stderr}`)
    }
  }
  if (!failed && !args.includes('--no-smoke')) {
    try {
      run(process.execPath, [join(ROOT, 'scripts/pack-smoke.mjs'), ...tarballs.map((t) => t.file)])
    } catch {
      failed = true // pack-smoke printed why
    }
  }
} catch (error) {
  failed = true
  console.error(`release-check: ${error instanceof Error ? error.message : error}`)
} finally {
  rmSync(out, { recursive: true, force: true })
}
console.log(`release-check: ${failed ? 'FAILED' : 'ok'} in ${seconds(start)}`)
process.exitCode = failed ? 1 : 0
