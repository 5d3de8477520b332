import { describe, expect, it } from 'vitest'
import { useCli } from '../../test/run-cli.ts'

// Through the parser, so the flags' spelling and cac's handling of numbers are covered too.
const runCli = useCli('tts-cli-keys-').run

/** The `API_KEYS` entry printed by `keys create`. */
function entryOf(out: string): Record<string, unknown> {
  const line = out.split('\n').find((l) => l.trim().startsWith('{"hash"'))
  return JSON.parse(line ?? 'null') as Record<string, unknown>
}

describe('keys create with a work quota', () => {
  it('prints the quota in the API_KEYS entry', async () => {
    const r = await runCli([
      'keys',
      'create',
      '--tenant',
      'web',
      '--chars-per-minute',
      '2000',
      '--chars-per-day',
      '200000',
    ])
    expect(r.code, r.err).toBe(0)
    expect(entryOf(r.out)).toEqual({
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      scopes: ['speech'],
      tenant: 'web',
      quota: { charsPerMinute: 2000, charsPerDay: 200000 },
    })
  })

  it('prints only the window given, and no quota at all without the flags', async () => {
    const day = await runCli(['keys', 'create', '--chars-per-day', '500'])
    expect(entryOf(day.out).quota).toEqual({ charsPerDay: 500 })
    const none = await runCli(['keys', 'create'])
    expect(entryOf(none.out)).not.toHaveProperty('quota')
  })

  it.each([
    [['--chars-per-minute', '0'], '--chars-per-minute 0 is invalid'],
    [['--chars-per-day', '1.5'], '--chars-per-day 1.5 is invalid'],
    [['--chars-per-day', 'lots'], '--chars-per-day lots is invalid'],
    [['--chars-per-day', '99999999999999999999'], 'is invalid'],
  ])('refuses %j with one line and exit 1', async (flags, message) => {
    const r = await runCli(['keys', 'create', ...flags])
    expect(r.code).toBe(1)
    expect(r.err).toContain(message)
    expect(r.err).toContain('allowed: a positive whole number of characters')
    expect(r.err.trim().split('\n')).toHaveLength(1)
    expect(r.out).toBe('') // no key minted
  })

  it('refuses a flag without its value as a usage error', async () => {
    const r = await runCli(['keys', 'create', '--chars-per-minute'])
    expect(r.code).toBe(1)
    expect(r.err).toBe('tts: option `--chars-per-minute <n>` value is missing\n')
  })
})
