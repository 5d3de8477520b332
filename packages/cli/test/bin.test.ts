/**
 * Running `tts` from a checkout: the root depends on @tts/cli, so `pnpm exec tts` and
 * `pnpm exec tts-edge` (the name that does not clash with Coqui's own `tts`) resolve at the
 * repository root, with the toolchain's Node first on PATH.
 */
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

describe('the tts and tts-edge commands from a checkout', () => {
  for (const name of ['tts', 'tts-edge']) {
    it(`${name} runs from the repository root's node_modules/.bin`, () => {
      const r = spawnSync(join(ROOT, 'node_modules/.bin', name), ['--version'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
          HOME: process.env.HOME ?? '',
        },
      })
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/^tts\/\d+\.\d+\.\d+ /)
    })
  }
})
