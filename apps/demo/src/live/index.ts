/**
 * @module live — the live panel: the client's metrics and breaker state, and the edge's
 * `/readyz` view of its upstreams (their details only where an admin key asked: the dev server's
 * `/__tts/readyz`), written into the page's `<dl>` fields.
 */
import type { MetricsSnapshot } from '@tts/client'
import { breakerLabel, formatMs, formatRate } from '../format/index.ts'
import type { LatencyWindow } from './latency.ts'

export { createLatencyWindow, type LatencyWindow } from './latency.ts'

/** Sets `[data-field=name]` inside `root`. */
export function setField(root: Element, name: string, text: string): void {
  const el = root.querySelector(`[data-field="${name}"]`)
  if (el) el.textContent = text
}

/**
 * Writes a metrics snapshot and the breaker state into the metrics list. With `latencies`
 * (the session's samples), P50/P95 are exact nearest-rank figures while the window holds every
 * sample, not the sketch's, which takes the lower rank when there are few.
 *
 * @example
 * renderMetrics(document.querySelector('#metrics')!, client.metrics.snapshot(), client.breaker.state, latencies)
 */
export function renderMetrics(
  root: Element,
  m: MetricsSnapshot,
  breaker: string,
  latencies?: LatencyWindow,
): void {
  setField(root, 'breaker', breakerLabel(breaker))
  root.querySelector('[data-field="breaker"]')?.setAttribute('data-state', breaker)
  setField(root, 'requests', String(m.requests))
  const p50 = latencies?.quantile(0.5) ?? m.latencyMs.p50
  const p95 = latencies?.quantile(0.95) ?? m.latencyMs.p95
  setField(root, 'p50', m.latencyMs.count ? formatMs(p50) : '—')
  setField(root, 'p95', m.latencyMs.count ? formatMs(p95) : '—')
  setField(
    root,
    'hitRate',
    formatRate(m.cache.hitRate, m.cache.hits + m.cache.misses) +
      (m.cache.hits + m.cache.misses
        ? ` (${m.cache.hits} of ${m.cache.hits + m.cache.misses})`
        : ''),
  )
  setField(root, 'fallbackRate', formatRate(m.fallbackRate, m.requests))
  setField(root, 'audioSeconds', `${m.audioSeconds.toFixed(1)} s`)
}

interface Upstream {
  /** The upstream's configured name (what `X-TTS-Upstream` says). */
  name?: string
  url?: string
  adapter?: string
  /** The first /readyz shape: a probe's verdict. */
  healthy?: boolean
  latencyMs?: number
  error?: string
  /** The pool's shape: the edge's breaker for this upstream and its last error. */
  breaker?: string
  failures?: number
  retryAfterS?: number
  inFlight?: number
  queued?: number
  maxConcurrency?: number
  lastError?: string | null
  lastErrorAt?: string | null
}

/** The rows one upstream contributes to the panel (`n` tells several upstreams apart). */
export function upstreamRows(u: Upstream, n = ''): [string, string][] {
  const rows: [string, string][] = [
    [
      `Upstream${n}`,
      `${u.name ? `${u.name}: ` : ''}${u.url ?? '?'} (${u.adapter ?? 'adapter unknown'})`,
    ],
  ]
  if (u.healthy !== undefined) {
    const latency = u.latencyMs !== undefined ? `, ${formatMs(u.latencyMs)}` : ''
    rows.push([
      `Health${n}`,
      `${u.healthy ? 'healthy' : 'unhealthy'}${latency}${u.error ? ` — ${u.error}` : ''}`,
    ])
  }
  if (u.breaker) {
    const failures = u.failures
      ? `, ${u.failures} failure${u.failures === 1 ? '' : 's'} in a row`
      : ''
    const probe = u.retryAfterS ? `, probe in ${u.retryAfterS} s` : ''
    rows.push([`Edge breaker${n}`, `${u.breaker}${failures}${probe}`])
  }
  if (u.inFlight !== undefined) {
    rows.push([
      `Load${n}`,
      `${u.inFlight} of ${u.maxConcurrency ?? '?'} in flight, ${u.queued ?? 0} queued`,
    ])
  }
  if (u.lastError) {
    const at = u.lastErrorAt ? ` at ${new Date(u.lastErrorAt).toLocaleTimeString()}` : ''
    rows.push([`Last error${n}`, `${u.lastError}${at}`])
  }
  return rows
}

/**
 * The rows of one `/readyz` answer: its verdict, then each upstream when the answer has details
 * (only an admin key gets them), else a line saying why there are none.
 *
 * @example
 * readyRows(503, { status: 'degraded' }) // [['Status', 'degraded (HTTP 503)'], ['Upstreams', …]]
 */
export function readyRows(
  status: number,
  body: { status?: string; error?: string; upstreams?: Upstream[] },
): [string, string][] {
  if (!body.status && body.error) return [['Status', `edge unreachable (${body.error})`]]
  const rows: [string, string][] = [['Status', `${body.status ?? 'unknown'} (HTTP ${status})`]]
  if (!body.upstreams) {
    rows.push(['Upstreams', 'details need an admin key (the dev server’s /__tts/readyz has one)'])
  }
  const upstreams = body.upstreams ?? []
  for (const [i, u] of upstreams.entries()) {
    rows.push(...upstreamRows(u, upstreams.length > 1 ? ` ${i + 1}` : ''))
  }
  return rows
}

/**
 * Asks `url` (the edge's `/readyz`, or the dev server's route to it) and lists what it says about
 * each upstream; an unreachable edge is said so, not hidden.
 *
 * @example
 * await refreshReady(document.querySelector('#ready')!, '/__tts/readyz')
 */
export async function refreshReady(root: Element, url: string): Promise<void> {
  let rows: [string, string][]
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(8000) })
    rows = readyRows(res.status, (await res.json()) as Parameters<typeof readyRows>[1])
  } catch (error) {
    rows = [['Status', `edge unreachable (${error instanceof Error ? error.message : 'error'})`]]
  }
  root.replaceChildren(
    ...rows.flatMap(([term, value], i) => {
      const dt = document.createElement('dt')
      dt.textContent = term
      const dd = document.createElement('dd')
      dd.textContent = value
      if (i === 0) dd.dataset.field = 'status'
      return [dt, dd]
    }),
  )
}
