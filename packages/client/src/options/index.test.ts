import { describe, expect, it } from 'vitest'
import { isConfigError } from '../errors/index.ts'
import { normalizeOptions, type TtsClientOptions } from './index.ts'

const fieldOf = (options: TtsClientOptions) => {
  try {
    normalizeOptions(options)
  } catch (error) {
    if (isConfigError(error)) return error.field
    throw error
  }
  return 'ok'
}

describe('normalizeOptions', () => {
  it('applies the documented defaults', () => {
    const o = normalizeOptions({ endpoint: 'https://tts.example.com/' })
    expect(o).toMatchObject({
      endpoint: 'https://tts.example.com',
      timeoutMs: 3000,
      maxRetries: 3,
      fallback: [],
      format: 'wav',
      breaker: { threshold: 5, openMs: 300_000 },
    })
  })

  it('requires HTTPS except on loopback or in debug', () => {
    expect(fieldOf({ endpoint: 'http://tts.example.com' })).toBe('endpoint')
    expect(fieldOf({ endpoint: 'http://127.0.0.1:8787' })).toBe('ok')
    expect(fieldOf({ endpoint: 'http://localhost:8787' })).toBe('ok')
    expect(fieldOf({ endpoint: 'http://tts.example.com', debug: true })).toBe('ok')
    expect(fieldOf({ endpoint: 'not a url' })).toBe('endpoint')
  })

  it('names the field and the allowed range for bad numbers and shapes', () => {
    expect(fieldOf({ endpoint: 'https://x.test', timeoutMs: -1 })).toBe('timeoutMs')
    expect(fieldOf({ endpoint: 'https://x.test', maxRetries: 1.5 })).toBe('maxRetries')
    expect(fieldOf({ endpoint: 'https://x.test', apiKey: ' ' })).toBe('apiKey')
    expect(fieldOf({ endpoint: 'https://x.test', format: 'aiff' as 'wav' })).toBe('format')
    expect(fieldOf({ endpoint: 'https://x.test', fallback: [{} as never] })).toBe('fallback[0]')
    expect(() => normalizeOptions({ endpoint: 'https://x.test', timeoutMs: 0 })).toThrow(
      /from 1 to 600000/,
    )
  })

  it('accepts one engine or an ordered list', () => {
    const engine = { name: 'e', isAvailable: async () => true }
    expect(normalizeOptions({ endpoint: 'https://x.test', fallback: engine }).fallback).toEqual([
      engine,
    ])
    expect(
      normalizeOptions({ endpoint: 'https://x.test', fallback: [engine, engine] }).fallback,
    ).toHaveLength(2)
  })

  it('takes one credential: an API key, a token or getToken; a token turns warming off', () => {
    const endpoint = 'https://x.test'
    const getToken = async () => 'ttsb1.a.b'
    expect(fieldOf({ endpoint, token: '' })).toBe('token')
    expect(fieldOf({ endpoint, getToken: 'nope' as never })).toBe('getToken')
    expect(fieldOf({ endpoint, apiKey: 'k', token: 't' })).toBe('apiKey')
    expect(fieldOf({ endpoint, token: 't', getToken })).toBe('apiKey')
    expect(normalizeOptions({ endpoint, getToken }).warmQueue).toBeUndefined()
    expect(normalizeOptions({ endpoint, token: 't' }).warmQueue).toBeUndefined()
    expect(normalizeOptions({ endpoint, apiKey: 'k' }).warmQueue).toBeDefined()
  })
})
