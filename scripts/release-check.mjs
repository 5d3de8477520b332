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
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, posix, relative } from 'node:path'
import { publint } from 'publint'
import { formatMessage } from 'publint/utils'
import { buildAndPack, ROOT, run, seconds } from './pack.mjs'

const ALLOWED_TOP = /^(dist\/.+|package\.json|README\.md|LICEN[CS]E(\.md)?|NOTICE|CHANGELOG\.md)$/
const FORBIDDEN = [
  [/(^|\/)(test|tests|__tests__|fixtures?|__fixtures__)\//, 'a test or fixture folder'],
  [/\.(test|spec)\.[cm]?[jt]sx?(\.map)?$/, 'a test file'],
  [/(fixture|udhr)/i, 'a test fixture'],
  [/(^|\/)\.(env|dev\.vars|npmrc)($|\.)/, 'an environment or credentials file'],
  [/\.(pem|key|p12|pfx)$/, 'a private key'],
  [/(^|\/)src\/.*\.ts$|(?<!\.d)\.[cm]?ts$/, 'a TypeScript source (only .d.ts ships)'],
  [/\.tsbuildinfo$/, 'a TypeScript build cache'],
]
// Contents that look like a credential, whatever the file is called.
const SECRET_TEXT = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(CACHE_KEYS|UPSTREAM_API_KEY|API_KEYS)=\S{8,}/,
  /\bk\d+:[A-Za-z0-9+/]{43}=/,
]

function listFiles(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)]
  })
}

function targets(value) {
  if (typeof value === 'string') return [value]
  if (value && typeof value === 'object') return Object.values(value).flatMap(targets)
  return []
}

function checkContents(root) {
  const problems = []
  const files = listFiles(root).map((f) => f.split('\\').join('/'))
  for (const file of files) {
    if (!ALLOWED_TOP.test(file)) problems.push(`${file}: not a dist file, manifest or notice`)
    for (const [pattern, what] of FORBIDDEN) {
      if (pattern.test(file)) problems.push(`${file}: ${what}`)
    }
    const text = readFileSync(join(root, file), 'latin1')
    if (SECRET_TEXT.some((p) => p.test(text)))
      problems.push(`${file}: holds what looks like a secret`)
    if (file.endsWith('.map')) problems.push(...checkSourceMap(root, file))
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const present = new Set(files)
  for (const target of [...targets(pkg.exports), ...targets(pkg.bin)]) {
    if (target === './package.json') continue
    if (!present.has(posix.normalize(target)))
      problems.push(`exports/bin target ${target} is missing`)
  }
  for (const bin of targets(pkg.bin)) {
    const head = readFileSync(join(root, bin), 'utf8').slice(0, 30)
    if (!head.startsWith('#!/usr/bin/env node')) problems.push(`bin ${bin} has no node shebang`)
  }
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${field}.${dep} is ${range}`)
    }
  }
  for (const field of ['license', 'repository', 'keywords', 'engines', 'sideEffects', 'files']) {
    if (pkg[field] === undefined) problems.push(`package.json has no "${field}"`)
  }
  if (!present.has('README.md')) problems.push('no README.md')
  return { problems, files: files.length }
}

function checkSourceMap(root, file) {
  const problems = []
  const map = JSON.parse(readFileSync(join(root, file), 'utf8'))
  const sources = map.sources ?? []
  sources.forEach((source, i) => {
    const resolved = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? '', source))
    if (resolved.startsWith('../') || posix.isAbsolute(source) || /^[a-z]+:/i.test(source)) {
      problems.push(`${file}: source ${source} points outside the package`)
    } else if (resolved.includes('node_modules/')) {
      problems.push(`${file}: source ${source} points into node_modules`)
    }
    if (typeof map.sourcesContent?.[i] !== 'string') {
      problems.push(`${file}: source ${source} has no sourcesContent (src/ is not shipped)`)
    }
  })
  return problems
}

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
