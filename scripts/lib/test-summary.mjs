/**
 * @module scripts/lib/test-summary — one line that sums every suite of a `pnpm check` log,
 * `N passed, N failed` (`, N skipped` when any), so a CI log shows the whole result at once.
 *
 * It reads what the runners print rather than adding a reporter to each of the eight vitest
 * configs: vitest's closing `Tests  …` and `Test Files  …` lines (one per package, turbo's
 * `pkg:test:` prefix and colours allowed) and node:test's `ℹ pass N` / `# pass N` lines. A
 * test file that failed to load has no test of its own to count, so a `Test Files  N failed`
 * block whose tests all passed counts N failed; and a check that failed outside any test
 * (typecheck, lint, release checks) counts one failure, so the line never reads green on a
 * red run.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are control characters
const ANSI = /\u001b\[[0-9;]*m/g

/** vitest's closing line `label  3 failed | 5 passed (8)`, after turbo's `pkg:task:` prefix. */
const VITEST = (label) =>
  new RegExp(
    `^(?:[\\w@/.-]+:[\\w-]+:)?\\s*${label}\\s+(\\d+ \\w+(?: \\| \\d+ \\w+)*) \\(\\d+\\)\\s*$`,
  )

/** What the runners' lines add up to. */
export function summarize(log, exitCode = 0) {
  const total = { passed: 0, failed: 0, skipped: 0 }
  let pendingFileFailures = 0
  const settleFiles = () => {
    total.failed += pendingFileFailures
    pendingFileFailures = 0
  }
  for (const raw of log.split('\n')) {
    const line = raw.replace(ANSI, '')
    const files = VITEST('Test Files').exec(line)
    if (files) {
      settleFiles()
      pendingFileFailures = Number(/(\d+) failed/.exec(files[1])?.[1] ?? 0)
      continue
    }
    const tests = VITEST('Tests').exec(line)
    if (tests) {
      const count = (word) => Number(new RegExp(`(\\d+) ${word}`).exec(tests[1])?.[1] ?? 0)
      const failed = count('failed')
      total.passed += count('passed')
      total.failed += failed
      total.skipped += count('skipped') + count('todo')
      // Failing tests explain the failed files; otherwise a file failed without a test.
      if (failed > 0) pendingFileFailures = 0
      settleFiles()
      continue
    }
    const node = /^(?:ℹ|#) (pass|fail|cancelled|skipped|todo) (\d+)\s*$/.exec(line.trim())
    if (node) {
      const n = Number(node[2])
      if (node[1] === 'pass') total.passed += n
      else if (node[1] === 'fail' || node[1] === 'cancelled') total.failed += n
      else total.skipped += n
    }
  }
  settleFiles()
  if (exitCode !== 0 && total.failed === 0) total.failed = 1
  return total
}

/** The closing line: `N passed, N failed` and `, N skipped` when any were. */
export function summaryLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`
}
