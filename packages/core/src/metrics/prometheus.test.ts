import { describe, expect, it } from 'vitest'
import { formatValue, PROMETHEUS_CONTENT_TYPE, prometheusName } from './prometheus.ts'
import { createMetrics } from './registry.ts'

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const METRIC = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*'
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"'
const SAMPLE = new RegExp(
  `^(${METRIC})(\\{(?:${LABEL}=${LABEL_VALUE}(?:,${LABEL}=${LABEL_VALUE})*)?\\})? (\\S+)$`,
)
const PAIR = new RegExp(`(${LABEL})=(${LABEL_VALUE})`, 'g')
const TYPES = new Set(['counter', 'gauge', 'summary', 'histogram', 'untyped'])

function unquote(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c))
}

/**
 * A strict reader of the text exposition format (0.0.4) rules: line grammar, escaping, one
 * HELP and TYPE per family before its samples, families contiguous, summary sample names,
 * no duplicate series, a final newline. Returns the samples and each family's type.
 */
function parseExposition(text: string): {
  samples: Sample[]
  types: Map<string, string>
  help: Map<string, string>
} {
  expect(text.endsWith('\n'), 'ends with a newline').toBe(true)
  const types = new Map<string, string>()
  const help = new Map<string, string>()
  const samples: Sample[] = []
  const seen = new Set<string>()
  const closed = new Set<string>()
  let current: string | undefined
  const familyOf = (name: string) => {
    for (const suffix of ['_sum', '_count']) {
      const base = name.slice(0, -suffix.length)
      if (name.endsWith(suffix) && types.get(base) === 'summary') return base
    }
    return name
  }
  const enter = (family: string) => {
    if (family === current) return
    expect(closed.has(family), `family ${family} is contiguous`).toBe(false)
    if (current) closed.add(current)
    current = family
  }
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line)
    if (meta) {
      const [, kind, name = '', rest = ''] = meta
      expect(name).toMatch(new RegExp(`^${METRIC}$`))
      enter(name)
      if (kind === 'TYPE') {
        expect(types.has(name), `one TYPE for ${name}`).toBe(false)
        expect(
          samples.some((s) => familyOf(s.name) === name),
          `TYPE of ${name} before its samples`,
        ).toBe(false)
        expect(TYPES.has(rest), `type ${rest}`).toBe(true)
        types.set(name, rest)
      } else {
        expect(help.has(name), `one HELP for ${name}`).toBe(false)
        // Only \\ and \n are escapes in HELP; a lone backslash would be ambiguous.
        expect(rest.replace(/\\[\\n]/g, '')).not.toContain('\\')
        help.set(
          name,
          rest.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : c)),
        )
      }
      continue
    }
    const m = SAMPLE.exec(line)
    expect(m, `sample line: ${JSON.stringify(line)}`).not.toBeNull()
    const [, name = '', labelText = '', valueText = ''] = m ?? []
    const labels: Record<string, string> = {}
    for (const [, k = '', v = ''] of labelText.matchAll(PAIR)) {
      expect(k in labels, `label ${k} once`).toBe(false)
      labels[k] = unquote(v)
    }
    const value =
      valueText === '+Inf'
        ? Infinity
        : valueText === '-Inf'
          ? -Infinity
          : valueText === 'NaN'
            ? NaN
            : Number(valueText)
    expect(valueText === 'NaN' || !Number.isNaN(value), `value ${valueText}`).toBe(true)
    const family = familyOf(name)
    enter(family)
    const type = types.get(family)
    if (type === 'summary' && name === family) expect('quantile' in labels).toBe(true)
    const id = `${name}${JSON.stringify(Object.entries(labels).sort())}`
    expect(seen.has(id), `series ${id} once`).toBe(false)
    seen.add(id)
    samples.push({ name, labels, value })
  }
  return { samples, types, help }
}

describe('toPrometheus', () => {
  it('writes valid exposition text for every kind of metric', () => {
    const m = createMetrics()
    for (let i = 1; i <= 100; i++) m.recordSynthesis(i * 12, { provider: 'coqui' })
    m.recordCache('hit')
    m.recordCache('miss')
    m.recordOutcome('success')
    m.recordAudio({ seconds: 2.5, bytes: 120_044 })
    m.gauge(
      'tts.upstream.in_flight',
      { upstream: 'gpu-1' },
      { help: 'Requests at an upstream now.' },
    ).set(1)
    m.histogram('empty.latency')
    const { samples, types } = parseExposition(m.toPrometheus())
    expect(Object.fromEntries(types)).toEqual({
      tts_audio_bytes_total: 'counter',
      tts_audio_seconds_total: 'counter',
      tts_cache_requests_total: 'counter',
      tts_requests_total: 'counter',
      tts_upstream_in_flight: 'gauge',
      tts_synthesis_duration_seconds: 'summary',
      empty_latency_seconds: 'summary',
      tts_cache_hit_ratio: 'gauge',
      tts_cache_miss_ratio: 'gauge',
      tts_requests_success_ratio: 'gauge',
      tts_requests_fallback_ratio: 'gauge',
      tts_requests_error_ratio: 'gauge',
    })
    const get = (name: string, labels: Record<string, string> = {}) =>
      samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))
        ?.value
    // Milliseconds are exposed in seconds, Prometheus's base unit.
    expect(get('tts_synthesis_duration_seconds_sum', { provider: 'coqui' })).toBeCloseTo(60.6, 9)
    expect(get('tts_synthesis_duration_seconds_count', { provider: 'coqui' })).toBe(100)
    // The true P99 (rank ⌊0.99·99⌋ = 98) is 99 × 12 ms = 1.188 s.
    const p99 = get('tts_synthesis_duration_seconds', { provider: 'coqui', quantile: '0.99' }) ?? 0
    expect(Math.abs(p99 - 1.188) / 1.188).toBeLessThanOrEqual(0.01)
    expect(get('tts_cache_requests_total', { result: 'hit' })).toBe(1)
    expect(get('tts_audio_bytes_total')).toBe(120_044)
    expect(get('tts_cache_hit_ratio')).toBe(0.5)
    expect(get('empty_latency_seconds', { quantile: '0.5' })).toBeNaN()
    expect(get('empty_latency_seconds_count')).toBe(0)
  })

  it('escapes label values and help text so they read back unchanged', () => {
    const m = createMetrics()
    const nasty = 'a "quoted" C:\\path\nand a new line, {braces}=, ünïcödé'
    m.counter('weird', { v: nasty }, { help: 'Help with a \\ backslash\nand a new line.' }).inc()
    const text = m.toPrometheus()
    const { samples, help } = parseExposition(text)
    expect(samples[0]?.labels.v).toBe(nasty)
    expect(help.get('weird_total')).toBe('Help with a \\ backslash\nand a new line.')
    expect(text.split('\n').length).toBe(4) // HELP, TYPE, sample, and the final empty string
  })

  it('writes nothing at all for an empty registry', () => {
    expect(createMetrics().toPrometheus()).toBe('')
  })

  it('declares the 0.0.4 text content type', () => {
    expect(PROMETHEUS_CONTENT_TYPE).toBe('text/plain; version=0.0.4; charset=utf-8')
  })
})

describe('prometheusName and formatValue', () => {
  it.each([
    ['tts.synthesis.duration', 'ms', 'summary', 'tts_synthesis_duration_seconds'],
    ['upstream.ttfb_ms', 'ms', 'summary', 'upstream_ttfb_seconds'],
    ['tts.audio.seconds', 'seconds', 'counter', 'tts_audio_seconds_total'],
    ['tts.requests', 'count', 'counter', 'tts_requests_total'],
    ['jobs_total', 'count', 'counter', 'jobs_total'],
    ['tts.cache.hit_ratio', 'ratio', 'gauge', 'tts_cache_hit_ratio'],
    ['cache.size', 'bytes', 'gauge', 'cache_size_bytes'],
  ] as const)('%s (%s, %s) → %s', (name, unit, type, expected) => {
    expect(prometheusName(name, unit, type)).toBe(expected)
  })

  it('writes the special floats as Prometheus spells them', () => {
    expect([NaN, Infinity, -Infinity, 0.25, 1e21].map(formatValue)).toEqual([
      'NaN',
      '+Inf',
      '-Inf',
      '0.25',
      '1e+21',
    ])
  })
})
