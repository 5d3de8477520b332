import { describe, expect, it } from 'vitest'
import { readDemoConfig } from './index.ts'

describe('readDemoConfig', () => {
  it('takes the edge and token route from the env, the breaker from the query', () => {
    const config = readDemoConfig(
      {
        DEV: true,
        VITE_TTS_ENDPOINT: 'http://127.0.0.1:9000',
        VITE_TTS_EMULATOR: 'http://127.0.0.1:9001',
      },
      '?breakerThreshold=2&breakerOpenMs=5000&timeoutMs=10000',
    )
    expect(config).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      tokenUrl: '/__tts/token',
      readyUrl: '/__tts/readyz',
      faults: true,
      breaker: { threshold: 2, openMs: 5000 },
      timeoutMs: 10_000,
    })
  })

  it('falls back to the local edge, no token route, no fault switch outside dev', () => {
    const config = readDemoConfig({ VITE_TTS_EMULATOR: 'http://127.0.0.1:9001' }, '')
    expect(config.endpoint).toBe('http://127.0.0.1:8787')
    expect(config.tokenUrl).toBeUndefined()
    // Outside dev no server holds a key: the edge's own /readyz, which says only ok/degraded.
    expect(config.readyUrl).toBe('http://127.0.0.1:8787/readyz')
    expect(readDemoConfig({ VITE_TTS_READY_URL: '/api/tts-ready' }, '').readyUrl).toBe(
      '/api/tts-ready',
    )
    expect(readDemoConfig({ VITE_TTS_TOKEN_URL: '/api/tts-token' }, '').tokenUrl).toBe(
      '/api/tts-token',
    )
    expect(config.faults).toBe(false)
    expect(config.breaker).toEqual({})
  })

  it('ignores malformed breaker values instead of passing them on', () => {
    const config = readDemoConfig({}, '?breakerThreshold=-1&breakerOpenMs=soon&timeoutMs=99999')
    expect(config.breaker).toEqual({})
    expect(config.timeoutMs).toBeUndefined()
  })

  it('shortens the breaker in dev so recovery can be watched, the query still winning', () => {
    expect(readDemoConfig({ DEV: true }, '').breaker).toEqual({ threshold: 3, openMs: 30_000 })
    expect(readDemoConfig({ DEV: true }, '?breakerOpenMs=1000').breaker).toEqual({
      threshold: 3,
      openMs: 1000,
    })
  })
})
