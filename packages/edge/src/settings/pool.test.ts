import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { poolSettingsOf, synthesisDeadlineMs } from './pool.ts'

describe('poolSettingsOf', () => {
  it('defaults to the one UPSTREAM_URL with the issue’s numbers', () => {
    const { name, config } = poolSettingsOf({
      ...env,
      UPSTREAM_URL: 'http://127.0.0.1:8020/',
      UPSTREAMS: '',
      POOL_OPTIONS: '',
      POOL_NAME: '',
    })
    expect(name).toBe('default')
    expect(config.upstreams).toEqual([
      {
        url: 'http://127.0.0.1:8020',
        adapter: 'auto',
        credential: 'UPSTREAM_API_KEY',
        weight: 1,
        maxConcurrency: 1,
      },
    ])
    expect(config.options).toMatchObject({
      breakerThreshold: 5,
      breakerOpenMs: 300_000,
      ttfbMs: 3000,
      maxRetries: 3,
    })
  })

  it('reads a list of upstreams and tuning, and names the variable and field of a bad value', () => {
    const { config } = poolSettingsOf({
      ...env,
      UPSTREAMS: JSON.stringify([
        { url: 'http://a.test', weight: 2 },
        { url: 'http://b.test', adapter: 'openai', maxConcurrency: 2 },
      ]),
      POOL_OPTIONS: JSON.stringify({ breakerOpenMs: 1000 }),
    })
    expect(config.upstreams.map((u) => [u.url, u.weight, u.maxConcurrency])).toEqual([
      ['http://a.test', 2, 1],
      ['http://b.test', 1, 2],
    ])
    expect(config.options.breakerOpenMs).toBe(1000)
    expect(() => poolSettingsOf({ ...env, UPSTREAMS: JSON.stringify([{ url: 'nope' }]) })).toThrow(
      /UPSTREAMS is invalid at 0\.url/,
    )
    expect(() => poolSettingsOf({ ...env, POOL_OPTIONS: '{"ttfbMs": -1}' })).toThrow(
      /POOL_OPTIONS is invalid at ttfbMs/,
    )
    expect(() => poolSettingsOf({ ...env, POOL_OPTIONS: '{' })).toThrow(/POOL_OPTIONS must be JSON/)
  })

  it('grows the deadline with the text', () => {
    const { config } = poolSettingsOf({ ...env, POOL_OPTIONS: '{}' })
    expect(synthesisDeadlineMs(config.options, 0)).toBe(15_000)
    expect(synthesisDeadlineMs(config.options, 1000)).toBe(75_000)
  })
})
