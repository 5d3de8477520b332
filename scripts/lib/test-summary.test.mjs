import assert from 'node:assert/strict'
import { test } from 'node:test'
import { summarize, summaryLine } from './test-summary.mjs'

const vitest = (pkg, files, tests) =>
  [
    `${pkg}:test: \u001b[2m Test Files \u001b[22m ${files}`,
    `${pkg}:test: \u001b[2m      Tests \u001b[22m ${tests}`,
    `${pkg}:test: \u001b[2m   Start at \u001b[22m 11:23:23`,
  ].join('\n')

test('sums vitest packages and node:test runs, colours and turbo prefixes included', () => {
  const log = [
    vitest('@tts/core', '60 passed (60)', '1026 passed (1026)'),
    vitest('@tts/edge', '1 failed | 27 passed (28)', '2 failed | 131 passed | 3 skipped (136)'),
    vitest('demo', '2 passed (2)', '20 passed | 1 todo (21)'),
    'ℹ tests 13',
    'ℹ pass 12',
    'ℹ fail 1',
    'ℹ skipped 0',
  ].join('\n')
  assert.deepEqual(summarize(log), { passed: 1189, failed: 3, skipped: 4 })
})

test('a test file that failed to load counts as a failure though no test failed', () => {
  const log = vitest('@tts/cli', '1 failed | 3 passed (4)', '40 passed (40)')
  assert.deepEqual(summarize(log), { passed: 40, failed: 1, skipped: 0 })
})

test('a red run with no failed test (typecheck, lint) never sums to zero failures', () => {
  assert.deepEqual(summarize('', 2), { passed: 0, failed: 1, skipped: 0 })
  assert.deepEqual(summarize(vitest('x', '1 passed (1)', '5 passed (5)'), 0), {
    passed: 5,
    failed: 0,
    skipped: 0,
  })
})

test('the line names skipped tests only when there are some', () => {
  assert.equal(summaryLine({ passed: 5, failed: 0, skipped: 0 }), '5 passed, 0 failed')
  assert.equal(summaryLine({ passed: 5, failed: 1, skipped: 2 }), '5 passed, 1 failed, 2 skipped')
})

test('ignores lines that only look like a summary, and counts cancelled node tests as failed', () => {
  const log = [
    '@tts/edge:test:  ✓ Tests in workerd (3)',
    'stdout | Tests of the prefetch (2)',
    'ℹ pass 3',
    'ℹ cancelled 1',
  ].join('\n')
  assert.deepEqual(summarize(log), { passed: 3, failed: 1, skipped: 0 })
})
