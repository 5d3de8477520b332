/**
 * @module lib/tarball — checks of an unpacked npm tarball that publint and attw do not make:
 * only built files and notices ship (no tests, fixtures, TypeScript sources or secrets), every
 * `exports`/`bin` target exists, no `workspace:` range is left, source maps stay inside the
 * package and carry their sources. Used by release-check.mjs.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, posix, relative } from 'node:path'

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
  /\b(CACHE_KEYS|TOKEN_KEYS|UPSTREAM_API_KEY|API_KEYS)=\S{8,}/,
  /\bk\d+:[A-Za-z0-9+/]{43}=/,
]

/** Every file under `dir`, as paths relative to `base` with forward slashes. */
export function listFiles(dir, base = dir) {
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

/**
 * What is wrong with an unpacked package (the `package/` folder of a tarball): files that
 * should not ship, missing entry points, leftover `workspace:` ranges, bad source maps.
 *
 * @example
 * checkContents('/tmp/x/package') // { problems: ['dist/a.test.js: a test file'], files: 12 }
 */
export function checkContents(root) {
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
  if (!present.has('LICENSE')) problems.push('no LICENSE file (npm ships it from the package root)')
  return { problems, files: files.length }
}

/**
 * What is wrong with one source map: sources outside the package or in node_modules, or
 * sources without their text (src/ is not shipped, so the text must be in the map).
 *
 * @example
 * checkSourceMap('/tmp/x/package', 'dist/index.js.map') // []
 */
export function checkSourceMap(root, file) {
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
