import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { DEFAULTS } from './defaults.ts'
import { type ConfigError, isConfigError } from './errors.ts'
import {
  checkEndpointScheme,
  clientConfigSchema,
  clientConfigShape,
  parseClientConfig,
} from './schema.ts'

const endpoint = 'https://tts.example.com'

function failure(input: unknown): ConfigError {
  try {
    parseClientConfig(input)
  } catch (error) {
    if (isConfigError(error)) return error
    throw error
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`)
}

describe('DEFAULTS', () => {
  it('holds the agreed values', () => {
    expect(DEFAULTS).toEqual({
      timeoutMs: 3000,
      maxRetries: 3,
      cacheTtlMs: 7 * 24 * 3600 * 1000,
      clientCacheMaxBytes: 100 * 1024 * 1024,
      logLevel: 'info',
      debug: false,
    })
    expect(Object.isFrozen(DEFAULTS)).toBe(true)
  })
})

describe('parseClientConfig', () => {
  it('applies every default', () => {
    expect(parseClientConfig({ endpoint })).toEqual({
      endpoint,
      timeoutMs: 3000,
      maxRetries: 3,
      cacheTtlMs: 604_800_000,
      cacheMaxBytes: 104_857_600,
      logLevel: 'info',
      debug: false,
    })
  })

  it('keeps given values and normalises the endpoint', () => {
    const config = parseClientConfig({
      endpoint: new URL('https://tts.example.com/edge/'),
      apiKey: 'tts_live_0123456789',
      timeoutMs: 5000,
      maxRetries: 0,
      cacheTtlMs: 0,
      cacheMaxBytes: 0,
      logLevel: 'error',
      debug: false,
    })
    expect(config).toMatchObject({
      endpoint: 'https://tts.example.com/edge',
      apiKey: 'tts_live_0123456789',
    })
    expect(config).toMatchObject({
      timeoutMs: 5000,
      maxRetries: 0,
      cacheTtlMs: 0,
      cacheMaxBytes: 0,
      logLevel: 'error',
    })
  })

  it('reads numbers, booleans and levels given as strings (env vars, flags)', () => {
    const config = parseClientConfig({
      endpoint: 'http://tts.internal:8020',
      timeoutMs: ' 4500 ',
      maxRetries: '5',
      debug: '1',
      logLevel: 'WARN',
    })
    expect(config).toMatchObject({ timeoutMs: 4500, maxRetries: 5, debug: true, logLevel: 'warn' })
    expect(parseClientConfig({ endpoint, debug: 'false' }).debug).toBe(false)
  })

  it('treats a blank apiKey as none and trims a pasted one', () => {
    expect(parseClientConfig({ endpoint, apiKey: '   ' })).not.toHaveProperty('apiKey')
    expect(parseClientConfig({ endpoint, apiKey: ' key-with-newline-0123\n' }).apiKey).toBe(
      'key-with-newline-0123',
    )
  })

  it('requires HTTPS unless the host is loopback or debug is on', () => {
    expect(failure({ endpoint: 'http://tts.example.com' }).message).toMatch(
      /^`endpoint` uses http:\/\/ for the non-loopback host 'tts.example.com' with debug off/,
    )
    expect(parseClientConfig({ endpoint: 'http://tts.example.com', debug: true }).endpoint).toBe(
      'http://tts.example.com',
    )
    expect(parseClientConfig({ endpoint: 'http://127.0.0.1:8787/' }).endpoint).toBe(
      'http://127.0.0.1:8787',
    )
    expect(parseClientConfig({ endpoint: 'http://[::1]:8787' }).endpoint).toBe('http://[::1]:8787')
  })

  it.each([
    [{}, 'endpoint', /^`endpoint` is required; allowed: an absolute https:\/\/ URL/],
    [{ endpoint: 42 }, 'endpoint', /`endpoint` is 42; allowed: an absolute https/],
    [{ endpoint: 'not a url' }, 'endpoint', /`endpoint` is not an absolute URL; allowed/],
    [
      { endpoint, timeoutMs: 0 },
      'timeoutMs',
      /`timeoutMs` is 0, below the minimum; allowed: an integer from 1 to 600000 \(milliseconds, default 3000\)/,
    ],
    [{ endpoint, timeoutMs: 600_001 }, 'timeoutMs', /`timeoutMs` is 600001, above the maximum/],
    [
      { endpoint, timeoutMs: 'soon' },
      'timeoutMs',
      /`timeoutMs` is the string "soon"; allowed: an integer/,
    ],
    [{ endpoint, timeoutMs: '3s' }, 'timeoutMs', /`timeoutMs` is the string "3s"/],
    [
      { endpoint, maxRetries: -1 },
      'maxRetries',
      /`maxRetries` is -1, below the minimum; allowed: an integer from 0 to 10/,
    ],
    [{ endpoint, maxRetries: 2.5 }, 'maxRetries', /`maxRetries` is 2.5, not an integer/],
    [{ endpoint, maxRetries: 11 }, 'maxRetries', /above the maximum/],
    [
      { endpoint, cacheTtlMs: -1 },
      'cacheTtlMs',
      /`cacheTtlMs` is -1, below the minimum; allowed: .*7 days/,
    ],
    [{ endpoint, cacheTtlMs: Number.NaN }, 'cacheTtlMs', /`cacheTtlMs` is NaN/],
    [
      { endpoint, cacheMaxBytes: 2 ** 40 },
      'cacheMaxBytes',
      /above the maximum; allowed: .*100 MiB/,
    ],
    [
      { endpoint, logLevel: 'verbose' },
      'logLevel',
      /`logLevel` is the string "verbose"; allowed: one of debug, info, warn, error/,
    ],
    [
      { endpoint, debug: 'maybe' },
      'debug',
      /`debug` is the string "maybe"; allowed: true or false/,
    ],
    [
      { endpoint, timeout: 3000 },
      'timeout',
      /`timeout` is not a known field \(did you mean `timeoutMs`\?\); allowed fields: endpoint, apiKey/,
    ],
    [null, '(config)', /the config is null; allowed: an object with the fields endpoint/],
    [undefined, '(config)', /the config is missing/],
  ])('refuses %j naming field %s', (input, field, message) => {
    const error = failure(input)
    expect(error.code).toBe('invalid_config')
    expect(error.field).toBe(field)
    expect(error.message).toMatch(message)
  })

  it('reports every bad field at once', () => {
    const error = failure({ endpoint: 'nope', timeoutMs: -5, logLevel: 'loud' })
    expect(error.issues.map((i) => i.field)).toEqual(['endpoint', 'timeoutMs', 'logLevel'])
    expect(error.details).toEqual({ fields: ['endpoint', 'timeoutMs', 'logLevel'] })
  })

  it.each([
    ['with a space', 'sk-live secret-value-0123'],
    ['with a control character', 'sk-live\u0007secret-value-0123'],
    ['too long', `sk-${'x'.repeat(2000)}`],
  ])('refuses an apiKey %s without echoing it', (_name, apiKey) => {
    const error = failure({ endpoint, apiKey })
    expect(error.field).toBe('apiKey')
    expect(error.message).toMatch(/^`apiKey` .*; allowed: 1 to 1024 printable ASCII characters/)
    expect(error.message).not.toContain('secret-value')
    expect(error.message).not.toContain('xxxxxxxx')
  })

  it('refuses a non-string apiKey by type only', () => {
    const error = failure({ endpoint, apiKey: { value: 'object-secret-123' } })
    expect(error.message).toMatch(/`apiKey` is an object/)
    expect(error.message).not.toContain('object-secret')
  })
})

describe('clientConfigShape', () => {
  it('extends into a larger schema that keeps the rules', () => {
    const cli = z
      .strictObject({ ...clientConfigShape, keychain: z.boolean().default(true) })
      .transform(checkEndpointScheme)
    expect(cli.parse({ endpoint: 'https://h.example/' })).toMatchObject({
      endpoint: 'https://h.example',
      keychain: true,
      timeoutMs: 3000,
    })
    expect(cli.safeParse({ endpoint: 'http://h.example' }).success).toBe(false)
    expect(
      clientConfigSchema.safeParse({ endpoint: 'http://h.example', debug: true }).success,
    ).toBe(true)
  })
})
