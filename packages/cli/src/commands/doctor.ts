/**
 * @module commands/doctor — `tts doctor`: one ✓/✗ line per check, with a hint under each ✗:
 * config valid, TLS rule, endpoint reachable, key accepted, a timed synthesis that reaches the
 * upstream, edge readiness (with the upstreams' breaker states when `TTS_ADMIN_KEY` or the key has
 * the admin scope: the edge shows anyone else only ok/degraded), the local engine. Checks that cannot run after a
 * failed one are skipped, not failed twice.
 */
import { espeakEngine } from '@tts/client/node'
import { isLoopbackHost } from '@tts/core/config'
import type { CliContext } from '../context/index.ts'
import { callEdge, describeProblem } from '../edge-api/index.ts'
import { UserError } from '../errors/index.ts'
import { edgeTarget, edgeVoice, loadSettings, type Settings } from './settings.ts'

/** One check's outcome. */
export interface Check {
  name: string
  ok: boolean | 'skipped'
  detail: string
  hint?: string
}

/** What `tts doctor` reports; `ok` is false when any check failed. */
export interface DoctorResult {
  ok: boolean
  checks: Check[]
}

/**
 * An upstream in `/readyz` (admin keys only); older edges say `healthy`, the pool says `breaker`
 * and `lastError`, and names each upstream.
 */
interface Upstream {
  name?: string
  url?: string
  healthy?: boolean
  breaker?: string
  failures?: number
  error?: string
  lastError?: string | null
}

function describeUpstream(u: Upstream): string {
  const healthy = u.healthy ?? u.breaker !== 'open'
  const error = u.error ?? u.lastError ?? undefined
  const state = !healthy ? 'down' : u.failures ? 'failing' : 'up'
  const failures = u.failures ? `, ${u.failures} consecutive failures` : ''
  const who = u.name && u.url ? `${u.name} (${u.url})` : (u.name ?? u.url ?? '?')
  return `${who} ${state}${error ? ` (${error})` : ''}, breaker ${u.breaker ?? '?'}${failures}`
}

const wavOk = (b: Uint8Array) =>
  b.byteLength > 44 && String.fromCharCode(...b.subarray(0, 4)) === 'RIFF'

/**
 * Runs `tts doctor`.
 *
 * @example
 * const { ok, checks } = await doctor(ctx)
 */
export async function doctor(
  ctx: CliContext,
  options: { engine?: boolean } = {},
): Promise<DoctorResult> {
  const checks: Check[] = []
  const { color: c } = ctx
  const add = (check: Check) => {
    checks.push(check)
    const mark = check.ok === 'skipped' ? c.dim('-') : check.ok ? c.green('✓') : c.red('✗')
    ctx.print(`${mark} ${check.name}: ${check.detail}`)
    if (check.ok === false && check.hint) ctx.print(`    ${c.dim('hint:')} ${check.hint}`)
  }
  const skip = (name: string) =>
    add({ name, ok: 'skipped', detail: 'skipped (an earlier check failed)' })

  let settings: Settings | undefined
  try {
    settings = await loadSettings(ctx)
    add({ name: 'config', ok: true, detail: `${ctx.configFile} is valid` })
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    add({ name: 'config', ok: false, detail: error.message, hint: 'run `tts setup`' })
  }

  if (settings) {
    const url = new URL(settings.config.endpoint)
    const https = url.protocol === 'https:'
    const loopback = isLoopbackHost(url.hostname)
    add({
      name: 'TLS',
      ok: https || loopback,
      detail: https
        ? 'HTTPS'
        : loopback
          ? 'plain HTTP on loopback (allowed for local development)'
          : `plain HTTP to ${url.hostname}`,
      hint: 'use an https:// endpoint; plain HTTP is allowed only on loopback or with debug on',
    })
    const target = edgeTarget(ctx, settings)
    let reachable = false
    try {
      const health = await callEdge(target, 'GET', '/healthz')
      reachable = health.status === 200
      add({
        name: 'endpoint',
        ok: reachable,
        detail: reachable
          ? `${settings.config.endpoint} answered in ${health.ms} ms`
          : `/healthz answered ${describeProblem(health)}`,
        hint: 'check the endpoint URL (`tts config set endpoint URL`) and that the edge is deployed',
      })
    } catch (error) {
      if (!(error instanceof UserError)) throw error
      add({
        name: 'endpoint',
        ok: false,
        detail: error.message,
        hint: 'start the edge (`make dev` locally) or fix the endpoint with `tts config set endpoint URL`',
      })
    }
    let keyOk = false
    if (!reachable) skip('API key')
    else if (!settings.key) {
      add({
        name: 'API key',
        ok: false,
        detail: 'no API key stored',
        hint: 'run `tts config set apiKey -` or set TTS_API_KEY',
      })
    } else {
      const auth = await callEdge(target, 'GET', '/v1/cache/stats')
      keyOk = auth.status === 200 || auth.status === 403
      add({
        name: 'API key',
        ok: keyOk,
        detail: keyOk ? `accepted (${settings.key.where})` : `rejected: ${describeProblem(auth)}`,
        hint: 'the edge does not know this key: check its API_KEYS, or mint one with `tts keys create`',
      })
    }
    if (!keyOk) skip('synthesis')
    else {
      const speech = await callEdge(target, 'POST', '/v1/audio/speech', {
        model: 'xtts-v2',
        // A fresh text each run, so the answer comes from the upstream, not the edge cache; the
        // one short entry it leaves expires with the cache TTL.
        input: `Doctor check ${Date.now() % 100_000}.`,
        voice: edgeVoice(settings, settings.config.voice),
        language: 'en',
        response_format: 'wav',
      })
      const ok = speech.status === 200 && wavOk(speech.body)
      add({
        name: 'synthesis',
        ok,
        detail: ok
          ? `${speech.body.byteLength} bytes of WAV in ${speech.ms} ms (cache ${speech.headers.get('x-tts-cache')?.toLowerCase() ?? '?'})`
          : `failed: ${speech.status === 200 ? 'the answer was not WAV audio' : describeProblem(speech)}`,
        hint:
          speech.status >= 500
            ? "the edge's XTTS upstream failed: check that the XTTS server runs and the edge's UPSTREAM_URL; `tts say` falls back to the local voice meanwhile"
            : 'the edge refused the request; check the voice (`tts config set voice auto`)',
      })
    }
    if (!reachable) skip('readiness')
    else {
      // The details need the admin scope: TTS_ADMIN_KEY (as `cache purge --edge`), else the key.
      const adminKey = ctx.env.TTS_ADMIN_KEY?.trim() || undefined
      const ready = await callEdge(edgeTarget(ctx, settings, adminKey), 'GET', '/readyz')
      const body = (ready.json ?? {}) as { status?: string; upstreams?: Upstream[] }
      const ups = (body.upstreams ?? []).map(describeUpstream)
      // Without the admin scope the edge says only ok/degraded: say why nothing more is shown.
      const more = ups.length
        ? `; ${ups.join('; ')}`
        : body.upstreams
          ? ''
          : ' (upstream details need an admin key: set TTS_ADMIN_KEY)'
      add({
        name: 'readiness',
        ok: ready.status === 200,
        detail: `${body.status ?? ready.status}${more}`,
        hint: "the edge cannot reach its XTTS upstream: check that the XTTS server runs and the edge's UPSTREAM_URL",
      })
    }
  } else {
    for (const name of ['TLS', 'endpoint', 'API key', 'synthesis', 'readiness']) skip(name)
  }

  if (options.engine !== false) {
    const engine = espeakEngine()
    const started = performance.now()
    const available = await engine.isAvailable().catch(() => false)
    add({
      name: 'local engine',
      ok: available,
      detail: available
        ? `${engine.name} available (${Math.round(performance.now() - started)} ms to load)`
        : `${engine.name} not available`,
      hint: 'reinstall @tts/cli: @tts/espeak and its voice data ship with it',
    })
  }
  const ok = checks.every((check) => check.ok !== false)
  return { ok, checks }
}
