import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, test } from 'node:test'
import { checkContents, checkSourceMap } from './tarball.mjs'

const dirs = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function unpacked(files) {
  const root = mkdtempSync(join(tmpdir(), 'tts-tarball-test-'))
  dirs.push(root)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content))
  }
  return root
}

const manifest = {
  name: '@tts/x',
  license: 'MIT',
  repository: { type: 'git', url: 'git+https://example.invalid/x.git' },
  keywords: ['tts'],
  engines: { node: '>=22.12' },
  sideEffects: false,
  files: ['dist'],
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  dependencies: { '@tts/core': '0.1.0' },
}
const goodMap = { version: 3, sources: ['../src/index.ts'], sourcesContent: ['x'], mappings: '' }

/** Asserts that checkContents reports each of `expected` (a part of one problem's line). */
function assertProblems(root, expected) {
  const text = checkContents(root).problems.join('\n')
  for (const e of expected) assert.ok(text.includes(e), `expected "${e}" in:\n${text}`)
}

test('a clean package has no problems', () => {
  const root = unpacked({
    'package.json': manifest,
    'README.md': '# x',
    LICENSE: 'MIT License',
    'dist/index.js': 'export {}',
    'dist/index.d.ts': 'export {}',
    'dist/index.js.map': goodMap,
  })
  assert.deepEqual(checkContents(root), { problems: [], files: 6 })
})

test('tests, fixtures, sources, secrets and stray files are reported', () => {
  const root = unpacked({
    'package.json': manifest,
    'README.md': '# x',
    'dist/index.js': 'export {}',
    'dist/index.d.ts': 'export {}',
    'dist/split.test.js': '',
    'dist/fixtures/a.wav': '',
    'dist/util.ts': '',
    'dist/config.js': 'const x = "CACHE_KEYS=k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="',
    '.env': 'A=1',
    'src/index.ts': '',
  })
  assertProblems(root, [
    'dist/split.test.js: a test file',
    'dist/fixtures/a.wav: a test or fixture folder',
    'dist/util.ts: a TypeScript source',
    'dist/config.js: holds what looks like a secret',
    '.env: an environment or credentials file',
    'src/index.ts: not a dist file',
  ])
})

test('missing entry points, workspace ranges, manifest fields, README and LICENSE are reported', () => {
  const root = unpacked({
    'package.json': {
      ...manifest,
      sideEffects: undefined,
      bin: { tts: './dist/bin.js' },
      dependencies: { '@tts/core': 'workspace:*' },
    },
    'dist/index.js': 'export {}',
    'dist/bin.js': 'console.log(1)',
  })
  assertProblems(root, [
    'exports/bin target ./dist/index.d.ts is missing',
    'bin ./dist/bin.js has no node shebang',
    'dependencies.@tts/core is workspace:*',
    'package.json has no "sideEffects"',
    'no README.md',
    'no LICENSE file',
  ])
})

test('source maps must stay inside the package and carry their sources', () => {
  const root = unpacked({
    'dist/a.js.map': goodMap,
    'dist/b.js.map': { ...goodMap, sources: ['../../../node_modules/.pnpm/x/y.ts'] },
    'dist/c.js.map': { ...goodMap, sources: ['../node_modules/ky/index.js'] },
    'dist/d.js.map': { version: 3, sources: ['../src/d.ts'], mappings: '' },
    'dist/e.js.map': { ...goodMap, sources: ['/home/me/src/e.ts'] },
  })
  assert.deepEqual(checkSourceMap(root, 'dist/a.js.map'), [])
  assert.match(checkSourceMap(root, 'dist/b.js.map').join(), /points outside the package/)
  assert.match(checkSourceMap(root, 'dist/c.js.map').join(), /points into node_modules/)
  assert.match(checkSourceMap(root, 'dist/d.js.map').join(), /has no sourcesContent/)
  assert.match(checkSourceMap(root, 'dist/e.js.map').join(), /points outside the package/)
})
