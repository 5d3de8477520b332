import { describe, expect, it } from 'vitest'
import { upstreamRows } from './index.ts'

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
})
