import { afterEach, describe, expect, it, vi } from 'vitest'
import { createLogger } from './logger.ts'
import { consoleSink, createMemorySink } from './sinks.ts'
import type { LogSink } from './types.ts'

const AT = Date.UTC(2026, 10, 25, 14, 30, 0, 123)
const now = () => AT

function setup(options: Parameters<typeof createLogger>[0] = {}) {
  const sink = createMemorySink()
  return { sink, log: createLogger({ now, sink, ...options }) }
}

describe('createLogger', () => {
  it("writes the METRIC line exactly in the guide's shape", () => {
    const { sink, log } = setup()
    log.metric('tts.synthesis.duration', 450, 'ms', { provider: 'coqui' })
    expect(sink.lines).toEqual([
      '{"timestamp":"2026-11-25T14:30:00.123Z","level":"info","message":"METRIC","data":{"metric":"tts.synthesis.duration","value":450,"unit":"ms","provider":"coqui"}}',
    ])
  })

  it('keeps metric fields first and unshadowed by context or data', () => {
    const { sink, log } = setup()
    log
      .child({ region: 'fra', metric: 'x' })
      .metric('tts.cache.hit', 1, 'count', { value: 99, provider: 'edge' })
    expect(sink.lines[0]).toContain(
      '"data":{"metric":"tts.cache.hit","value":1,"unit":"count","region":"fra","provider":"edge"}',
    )
  })

  it('writes {timestamp, level, message, data} lines, data always an object', () => {
    const { sink, log } = setup()
    log.info('started')
    log.warn('slow upstream', { ms: 2900 })
    expect(sink.records).toEqual([
      { timestamp: '2026-11-25T14:30:00.123Z', level: 'info', message: 'started', data: {} },
      {
        timestamp: '2026-11-25T14:30:00.123Z',
        level: 'warn',
        message: 'slow upstream',
        data: { ms: 2900 },
      },
    ])
    expect(Object.keys(sink.records[0] ?? {})).toEqual(['timestamp', 'level', 'message', 'data'])
  })

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ] as const)('at level %s writes only %j', (level, expected) => {
    const { sink, log } = setup({ level })
    log.debug('d')
    log.info('i')
    log.warn('w')
    log.error('e')
    expect(sink.records.map((r) => r.level)).toEqual(expected)
    expect(log.isEnabled('debug')).toBe(level === 'debug')
  })

  it('filters METRIC lines like any info line', () => {
    const { sink, log } = setup({ level: 'warn' })
    log.metric('m', 1, 'count')
    expect(sink.lines).toEqual([])
  })

  it('binds context in child loggers, nested, without touching the parent', () => {
    const { sink, log } = setup({ context: { service: 'edge' } })
    const req = log.child({ requestId: 'r1' })
    const up = req.child({ upstream: 'gpu-1', requestId: 'r1b' })
    up.info('call', { attempt: 2 })
    req.info('done', { requestId: 'override' })
    log.info('plain')
    expect(sink.records.map((r) => r.data)).toEqual([
      { service: 'edge', requestId: 'r1b', upstream: 'gpu-1', attempt: 2 },
      { service: 'edge', requestId: 'override' },
      { service: 'edge' },
    ])
    expect(up.level).toBe('info')
  })

  it('redacts the message, the data and the context', () => {
    const { sink, log } = setup()
    log.child({ apiKey: 'ctxKeyValue0123456' }).error('upstream said Bearer msgBearer0123456', {
      headers: { authorization: 'Bearer dataBearer0123456' },
    })
    const line = sink.lines[0] ?? ''
    for (const body of ['ctxKeyValue012', 'msgBearer012', 'dataBearer012'])
      expect(line).not.toContain(body)
    expect(sink.records[0]?.message).toBe('upstream said Bearer ****3456')
  })

  it('truncates long texts with their length, at the configured limit', () => {
    const { sink, log } = setup({ maxTextLength: 10 })
    log.info('synth', { text: 'abcdefghijklmnopqrstuvwxyz' })
    expect(sink.records[0]?.data.text).toBe('abcdefghij… [truncated, 26 chars]')
  })

  it('logs Errors with name, message, code and cause', () => {
    const { sink, log } = setup()
    const cause = new Error('socket hang up')
    log.error(
      'synthesis failed',
      Object.assign(new Error('upstream failed', { cause }), { code: 'upstream_unavailable' }),
    )
    const error = sink.records[0]?.data.error as Record<string, unknown>
    expect(error).toMatchObject({
      name: 'Error',
      message: 'upstream failed',
      code: 'upstream_unavailable',
    })
    expect((error.cause as Record<string, unknown>).message).toBe('socket hang up')
    expect(typeof error.stack).toBe('string')
  })

  it('never throws: cyclic data, a throwing sink, a broken clock', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.me = cyclic
    const throwing: LogSink = {
      write() {
        throw new Error('disk full')
      },
    }
    expect(() => createLogger({ sink: throwing }).error('x', cyclic)).not.toThrow()
    const { sink, log } = setup({ now: () => Number.NaN })
    log.info('cyclic', { cyclic })
    expect(sink.records[0]?.data).toEqual({ cyclic: { me: '[Circular]' } })
    expect(sink.records[0]?.timestamp).toBe('1970-01-01T00:00:00.000Z')
  })

  it('rejects an unknown level and a bad maxTextLength, naming what is allowed', () => {
    expect(() => createLogger({ level: 'verbose' as never })).toThrow(
      /'verbose' is not known; allowed: debug, info, warn, error/,
    )
    expect(() => createLogger({ maxTextLength: 0 })).toThrow(/allowed: an integer of at least 1/)
  })

  it('memory sink clears', () => {
    const { sink, log } = setup()
    log.info('a')
    sink.clear()
    expect(sink.lines).toEqual([])
    expect(sink.records).toEqual([])
  })
})

describe('consoleSink', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('writes each level to its console method', () => {
    const spies = {
      debug: vi.spyOn(console, 'debug').mockImplementation(() => {}),
      info: vi.spyOn(console, 'log').mockImplementation(() => {}),
      warn: vi.spyOn(console, 'warn').mockImplementation(() => {}),
      error: vi.spyOn(console, 'error').mockImplementation(() => {}),
    }
    const log = createLogger({ level: 'debug', sink: consoleSink, now })
    log.debug('d')
    log.info('i')
    log.warn('w')
    log.error('e')
    for (const [level, spy] of Object.entries(spies)) {
      expect(spy).toHaveBeenCalledTimes(1)
      expect(JSON.parse(String(spy.mock.calls[0]?.[0])).level).toBe(level)
    }
  })
})
