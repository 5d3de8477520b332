import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { settingsOf, synthesisDeadlineMs } from './index.ts'

describe('settingsOf', () => {
  it('defaults to the one UPSTREAM_URL with the issue’s numbers', () => {
    const { pool } = settingsOf({
      ...env,
      UPSTREAM_URL: 'http://127.0.0.1:8020/',
      UPSTREAMS: '',
      POOL_OPTIONS: '',
      POOL_NAME: '',
    })
    expect(pool.name).toBe('default')
    expect(pool.config.upstreams).toEqual([
      {
        url: 'http://127.0.0.1:8020',
        adapter: 'auto',
        credential: 'UPSTREAM_API_KEY',
        name: 'default',
        weight: 1,
        maxConcurrency: 1,
      },
    ])
    expect(pool.config.options).toMatchObject({
      breakerThreshold: 5,
      breakerOpenMs: 300_000,
      ttfbMs: 3000,
      maxRetries: 3,
    })
  })

  it('reads a list of upstreams and tuning, and names the variable and field of a bad value', () => {
    const { config } = settingsOf({
      ...env,
      UPSTREAMS: JSON.stringify([
        { url: 'http://a.test', weight: 2 },
        { url: 'http://b.test', adapter: 'openai', maxConcurrency: 2 },
      ]),
      POOL_OPTIONS: JSON.stringify({ breakerOpenMs: 1000 }),
    }).pool
    expect(config.upstreams.map((u) => [u.url, u.weight, u.maxConcurrency])).toEqual([
      ['http://a.test', 2, 1],
      ['http://b.test', 1, 2],
    ])
    expect(config.options.breakerOpenMs).toBe(1000)
    expect(config.upstreams.map((u) => u.name)).toEqual(['upstream-1', 'upstream-2'])
    expect(() => settingsOf({ ...env, UPSTREAMS: JSON.stringify([{ url: 'nope' }]) })).toThrow(
      /UPSTREAMS is invalid at 0\.url/,
    )
    expect(() => settingsOf({ ...env, POOL_OPTIONS: '{"ttfbMs": -1}' })).toThrow(
      /POOL_OPTIONS is invalid at ttfbMs/,
    )
    expect(() => settingsOf({ ...env, POOL_OPTIONS: '{' })).toThrow(/POOL_OPTIONS must be JSON/)
  })

  it('names each upstream for callers: configured, else by position, never a host', () => {
    const named = settingsOf({
      ...env,
      UPSTREAMS: JSON.stringify([
        { url: 'http://a.test' },
        { url: 'http://b.test', name: 'gpu-b' },
      ]),
    }).pool.config.upstreams
    expect(named.map((u) => u.name)).toEqual(['upstream-1', 'gpu-b'])
    const one = (POOL_NAME: string) =>
      settingsOf({ ...env, UPSTREAMS: '', POOL_NAME }).pool.config.upstreams[0]?.name
    expect(one('eu-west')).toBe('eu-west')
    expect(one('pool.example.com')).toBe('upstream-1')
    expect(() =>
      settingsOf({ ...env, UPSTREAMS: JSON.stringify([{ url: 'http://a.test', name: 'a.test' }]) }),
    ).toThrow(/UPSTREAMS is invalid at 0\.name: must be 1-64 letters/)
    expect(() =>
      settingsOf({
        ...env,
        UPSTREAMS: JSON.stringify([
          { url: 'http://a.test', name: 'gpu' },
          { url: 'http://b.test', name: 'gpu' },
        ]),
      }),
    ).toThrow(/each upstream needs its own name/)
  })

  it('holds every variable to one standard: VOICE_MAP, numbers and enums name what is wrong', () => {
    expect(() => settingsOf({ ...env, VOICE_MAP: '{"alloy": 7}' })).toThrow(
      /VOICE_MAP is invalid at alloy/,
    )
    expect(() => settingsOf({ ...env, VOICE_MAP: '[' })).toThrow(/VOICE_MAP must be JSON/)
    expect(() => settingsOf({ ...env, CACHE_TTL_SECONDS: '-5' })).toThrow(
      /CACHE_TTL_SECONDS is invalid: must be a positive integer/,
    )
    expect(() => settingsOf({ ...env, CACHE_TENANCY: 'everyone' })).toThrow(
      /CACHE_TENANCY is invalid: must be shared, tenant or key/,
    )
    const s = settingsOf({ ...env, VOICE_MAP: '{"alloy":"Ana"}', CACHE_TTL_SECONDS: '60' })
    expect(s.voiceMap).toEqual({ alloy: 'Ana' })
    expect(s.pool.config.voiceMap).toBe(s.voiceMap)
    expect(s.cacheTtlMs).toBe(60_000)
  })

  it('gives each distinct pool config its own id', () => {
    const a = settingsOf({ ...env, POOL_OPTIONS: '{}' }).pool.configId
    const b = settingsOf({ ...env, POOL_OPTIONS: '{"ttfbMs": 999}' }).pool.configId
    expect(a).toBe(settingsOf({ ...env, POOL_OPTIONS: '{}' }).pool.configId)
    expect(a).not.toBe(b)
  })

  it('grows the deadline with the text', () => {
    const { config } = settingsOf({ ...env, POOL_OPTIONS: '{}' }).pool
    expect(synthesisDeadlineMs(config.options, 0)).toBe(15_000)
    expect(synthesisDeadlineMs(config.options, 1000)).toBe(75_000)
  })
})
