/**
 * @module test/run-cli — runs the CLI in-process through its parser (`run`), as a user would type
 * it, against a config directory of the test's own and with its output captured: for unit tests
 * of commands and of the entry point's exit codes (the built binary is test/e2e's job).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { afterEach, beforeEach } from 'vitest'
import { run } from '../src/cli/index.ts'

/** What a run printed and its exit code. */
export interface CliRun {
  code: number
  out: string
  err: string
}

/**
 * Gives every test of the calling file a fresh config directory (`TTS_CONFIG_DIR`, removed after
 * the test) and a `run` that calls the CLI with it, no keychain, no colour, `input` as stdin.
 * Call it at the top of a test file.
 *
 * @example
 * const cli = useCli('tts-cli-keys-')
 * it('creates a key', async () => expect((await cli.run(['keys', 'create'])).code).toBe(0))
 */
export function useCli(prefix: string): {
  readonly dir: string
  run(args: string[], input?: string): Promise<CliRun>
} {
  let dir = ''
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })
  return {
    get dir() {
      return dir
    },
    async run(args, input = '') {
      const stdout = new PassThrough()
      const stderr = new PassThrough()
      let out = ''
      let err = ''
      stdout.on('data', (c) => {
        out += c
      })
      stderr.on('data', (c) => {
        err += c
      })
      const code = await run(args, {
        env: { TTS_CONFIG_DIR: dir, NO_COLOR: '1' },
        io: { stdin: Readable.from([input]), stdout, stderr },
        keychain: false,
      })
      return { code, out, err }
    },
  }
}
