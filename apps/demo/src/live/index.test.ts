import { describe, expect, it } from 'vitest'
import { readyRows, upstreamRows } from './index.ts'

describe('upstreamRows', () => {
  it("shows a probe's verdict (the first /readyz shape)", () => {
    const rows = upstreamRows({
      url: 'http://127.0.0.1:8020',
      adapter: 'xtts-streaming',
      healthy: false,
      latencyMs: 9,
      error: 'upstream_unavailable',
    })
    expect(rows).toEqual([
      ['Upstream', 'http://127.0.0.1:8020 (xtts-streaming)'],
      ['Health', 'unhealthy, 9 ms — upstream_unavailable'],
    ])
  })

  it("shows the pool's breaker, load and last error, numbered when there are several", () => {
    const rows = upstreamRows(
      {
        url: 'http://gpu-1:8020',
        adapter: 'openai',
        breaker: 'open',
        failures: 5,
        retryAfterS: 42,
        inFlight: 1,
        queued: 3,
        maxConcurrency: 1,
        lastError: 'network_error',
        lastErrorAt: null,
      },
      ' 2',
    )
    expect(Object.fromEntries(rows)).toEqual({
      'Upstream 2': 'http://gpu-1:8020 (openai)',
      'Edge breaker 2': 'open, 5 failures in a row, probe in 42 s',
      'Load 2': '1 of 1 in flight, 3 queued',
      'Last error 2': 'network_error',
    })
  })

  it('names the upstream by its configured name', () => {
    expect(upstreamRows({ name: 'gpu-a', url: 'http://gpu-a:8020', adapter: 'openai' })[0]).toEqual(
      ['Upstream', 'gpu-a: http://gpu-a:8020 (openai)'],
    )
  })
})

describe('readyRows', () => {
  it('shows the verdict alone, and why, when the answer has no details (no admin key)', () => {
    expect(readyRows(503, { status: 'degraded' })).toEqual([
      ['Status', 'degraded (HTTP 503)'],
      ['Upstreams', 'details need an admin key (the dev server’s /__tts/readyz has one)'],
    ])
  })

  it('lists each upstream of a detailed answer, and says when the edge could not be reached', () => {
    const rows = readyRows(200, {
      status: 'ok',
      upstreams: [{ name: 'default', url: 'http://127.0.0.1:8020', breaker: 'closed' }],
    })
    expect(rows[0]).toEqual(['Status', 'ok (HTTP 200)'])
    expect(Object.fromEntries(rows)['Edge breaker']).toBe('closed')
    expect(readyRows(502, { error: 'the edge could not be reached' })).toEqual([
      ['Status', 'edge unreachable (the edge could not be reached)'],
    ])
  })
})
