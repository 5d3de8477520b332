import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useCli } from '../../test/run-cli.ts'

const cli = useCli('tts-cli-run-')
const runCli = cli.run
afterEach(() => {
  vi.doUnmock('../commands/doctor.ts')
})

describe('run', () => {
  it('turns a user error into one line and exit 1, also as JSON under --json', async () => {
    const plain = await runCli(['config', 'show'])
    expect(plain.code).toBe(1)
    expect(plain.err).toBe(
      `tts: no config at ${join(cli.dir, 'config.json')}; run \`tts setup\` first (or pass --config PATH)\n`,
    )
    const json = await runCli(['config', 'show', '--json'])
    expect(JSON.parse(json.out)).toEqual({
      error: { code: 'not_set_up', message: expect.stringContaining('run `tts setup` first') },
    })
  })

  it('names unknown commands, actions and options as usage errors', async () => {
    expect((await runCli(['fly'])).err).toMatch(/unknown command `fly`/)
    expect((await runCli(['cache', 'explode'])).err).toMatch(
      /unknown action cache explode; use stats or purge/,
    )
    const missing = await runCli(['say'])
    expect(missing.code).toBe(1)
    expect(missing.err).toMatch(/missing required args/)
  })

  it('prints the version, also after a command name', async () => {
    for (const args of [['--version'], ['doctor', '--version'], ['-v']]) {
      const r = await runCli(args)
      expect(r.code).toBe(0)
      expect(r.out).toMatch(/^tts\/\d+\.\d+\.\d+ \S+ node-v\d+/)
    }
  })

  it('prints the stack of an unexpected error and exits 2', async () => {
    vi.doMock('../commands/doctor.ts', () => ({
      doctor: async () => {
        throw new TypeError('boom inside doctor')
      },
    }))
    const r = await runCli(['doctor'])
    expect(r.code).toBe(2)
    expect(r.err).toMatch(/unexpected error[\s\S]*TypeError: boom inside doctor\n\s+at /)
  })

  it('runs a command through the parser: config set then show, with - reading stdin', async () => {
    await writeFile(
      join(cli.dir, 'config.json'),
      JSON.stringify({ endpoint: 'https://tts.example.com' }),
    )
    expect((await runCli(['config', 'set', 'timeoutMs', '4000'])).code).toBe(0)
    const bad = await runCli(['config', 'set', 'maxRetries', 'many'])
    expect(bad.err).toMatch(/`maxRetries` is the string "many"/)
    expect(
      (await runCli(['config', 'set', 'apiKey', '-'], 'tts_from_stdin_key_123456\n')).code,
    ).toBe(0)
    const shown = JSON.parse((await runCli(['config', 'show', '--json'])).out)
    expect(shown).toMatchObject({ timeoutMs: 4000, maxRetries: 3, apiKey: '****3456' })
  })
})
