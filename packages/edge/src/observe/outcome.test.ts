import { createLogger, createMemorySink } from '@tts/core/log'
import { TTS_METRICS } from '@tts/core/metrics'
import { describe, expect, it } from 'vitest'
import { metrics } from './index.ts'
import { callerLeft, recordClientClosed, recordStreamEnd } from './outcome.ts'

const count = (labels: Record<string, string>) =>
  metrics.counter(TTS_METRICS.requests.name, labels).value

function logger() {
  const sink = createMemorySink()
  return { sink, log: createLogger({ sink, context: { requestId: 'outcome-test' } }) }
}

describe('callerLeft', () => {
  it('is true once the request signal aborted, whatever its reason', () => {
    const controller = new AbortController()
    const request = new Request('http://edge.test/', { signal: controller.signal })
    expect(callerLeft(request)).toBe(false)
    controller.abort(new Error('any reason'))
    expect(callerLeft(request)).toBe(true)
  })
})

describe('recordClientClosed', () => {
  it('counts client_closed and writes one info line with status 499 over the given status', () => {
    const { sink, log } = logger()
    const before = count({ outcome: 'client_closed' })
    recordClientClosed(log, { code: 'upstream_timeout', status: 504, path: '/v1/audio/speech' })
    expect(count({ outcome: 'client_closed' })).toBe(before + 1)
    expect(sink.records).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'client closed request',
        data: expect.objectContaining({
          outcome: 'client_closed',
          status: 499,
          code: 'upstream_timeout',
          requestId: 'outcome-test',
        }),
      }),
    ])
  })
})

describe('recordStreamEnd', () => {
  it('counts each end under its own outcome; only a cancelled stream writes a line', () => {
    const { sink, log } = logger()
    const code = `test_${crypto.randomUUID()}`
    const before = {
      success: count({ outcome: 'success' }),
      closed: count({ outcome: 'client_closed' }),
    }
    recordStreamEnd(log, { outcome: 'success' })
    recordStreamEnd(log, { outcome: 'error', code })
    expect(sink.records).toEqual([])
    recordStreamEnd(log, { outcome: 'client_closed' })
    expect(count({ outcome: 'success' })).toBe(before.success + 1)
    expect(count({ code, outcome: 'error' })).toBe(1)
    expect(count({ outcome: 'client_closed' })).toBe(before.closed + 1)
    expect(sink.records.map((r) => r.data.outcome)).toEqual(['client_closed'])
  })
})
