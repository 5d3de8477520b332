import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseChangeset, touchedPackages } from './changesets.mjs'

const PUBLISHED = [
  { dir: 'packages/core', name: '@tts/core' },
  { dir: 'packages/cli', name: '@tts/cli' },
]

test('parseChangeset reads the packages of a changeset, quoted or not', () => {
  const text = '---\n"@tts/core": minor\n\'@tts/cli\': patch\n---\n\nSomething users see.\n'
  assert.deepEqual(parseChangeset(text), ['@tts/core', '@tts/cli'])
  assert.deepEqual(parseChangeset('---\r\n"@tts/core": major\r\n---\r\n'), ['@tts/core'])
})

test('parseChangeset accepts an empty changeset (changeset --empty)', () => {
  assert.deepEqual(parseChangeset('---\n---\n'), [])
})

test('parseChangeset refuses front matter a formatter mangled or a bump it does not know', () => {
  assert.equal(parseChangeset('---\n\n## "@tts/core": minor\n\nText.\n'), null)
  assert.equal(parseChangeset('"@tts/core": minor\n\nNo front matter.\n'), null)
  assert.equal(parseChangeset('---\n"@tts/core": huge\n---\n'), null)
})

test('touchedPackages counts sources and manifests, not tests, benches or docs', () => {
  const names = (files) => touchedPackages(files, PUBLISHED).map((p) => p.name)
  assert.deepEqual(names(['packages/core/src/text/split.ts']), ['@tts/core'])
  assert.deepEqual(names(['packages/cli/package.json', 'packages/core/README.md']), ['@tts/cli'])
  assert.deepEqual(
    names([
      'packages/core/src/text/split.test.ts',
      'packages/core/test/e2e.ts',
      'packages/core/bench/lang.bench.ts',
      'packages/core/README.md',
      'packages/core/vitest.config.ts',
      'packages/core/tsconfig.json',
      'packages/edge/src/app.ts',
      'packages/core-extra/src/x.ts',
    ]),
    [],
  )
})
