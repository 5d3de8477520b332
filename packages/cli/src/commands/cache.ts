/**
 * @module commands/cache — `tts cache stats` and `tts cache purge`: the local encrypted cache,
 * and with `--edge` the edge's cache too (stats with the configured key; purge needs an admin
 * key, from `TTS_ADMIN_KEY` or the configured key when it has the admin scope).
 */
import type { CacheStats } from '@tts/client'
import type { CliContext } from '../context/index.ts'
import { callEdge, describeProblem } from '../edge-api/index.ts'
import { UserError } from '../errors/index.ts'
import { formatBytes } from '../io/index.ts'
import * as prompts from '../prompts/index.ts'
import { readCounters, resetCounters } from './cache-counters.ts'
import { cacheDir, makeClient } from './client.ts'
import { edgeTarget, loadSettings } from './settings.ts'

/** What `tts cache stats` reports. */
export interface CacheStatsResult {
  local: (CacheStats & { dir: string }) | null
  edge?: Record<string, unknown>
}

/**
 * Runs `tts cache stats`.
 *
 * @example
 * const { local } = await cacheStats(ctx, {})
 */
export async function cacheStats(
  ctx: CliContext,
  options: { edge?: boolean | undefined } = {},
): Promise<CacheStatsResult> {
  const settings = await loadSettings(ctx)
  const current = await makeClient(ctx, settings).cache.stats()
  const kept = await readCounters(cacheDir(ctx))
  const stats = current && {
    ...current,
    hits: current.hits + kept.hits,
    misses: current.misses + kept.misses,
  }
  const result: CacheStatsResult = { local: stats ? { ...stats, dir: cacheDir(ctx) } : null }
  if (stats) {
    const lookups = stats.hits + stats.misses
    ctx.print(
      `local  ${stats.entries} entries · ${formatBytes(stats.bytes)} of ${formatBytes(stats.maxBytes)} · hit rate ${lookups ? `${Math.round((stats.hits / lookups) * 100)} %` : 'n/a'} · ${cacheDir(ctx)}`,
    )
  }
  if (options.edge) {
    const answer = await callEdge(edgeTarget(ctx, settings), 'GET', '/v1/cache/stats')
    if (answer.status !== 200) {
      throw new UserError('edge_refused', `edge cache stats: ${describeProblem(answer)}`)
    }
    result.edge = answer.json as Record<string, unknown>
    const e = answer.json as { entries?: number; bytes?: number; hitRate?: number | null }
    ctx.print(
      `edge   ${e.entries ?? '?'} entries · ${formatBytes(e.bytes ?? 0)} · hit rate ${typeof e.hitRate === 'number' ? `${Math.round(e.hitRate * 100)} %` : 'n/a'}`,
    )
  }
  return result
}

/**
 * Runs `tts cache purge`: always the local cache, the edge's with `--edge`.
 *
 * @example
 * await cachePurge(ctx, { edge: true, yes: true })
 */
export async function cachePurge(
  ctx: CliContext,
  options: { edge?: boolean | undefined; yes?: boolean | undefined } = {},
): Promise<{ local: boolean; edgePurged?: { tenant: string | null; generation: string } }> {
  const settings = await loadSettings(ctx)
  // One rule with `tts clear`: a deletion is confirmed, by a prompt or by --yes.
  if (!options.yes) {
    const what = options.edge
      ? `the local cache and the edge cache at ${settings.config.endpoint} of the admin key's tenant (of every user when the edge shares one cache)`
      : `the local cache (${cacheDir(ctx)})`
    if (!ctx.interactive) {
      throw new UserError(
        'confirmation_needed',
        `tts cache purge deletes ${what}; pass --yes to confirm without a terminal`,
      )
    }
    if (!(await prompts.confirm({ message: `Delete ${what}?`, initial: false }))) {
      throw new UserError('cancelled', 'cancelled; nothing was deleted')
    }
  }
  await makeClient(ctx, settings).cache.clear()
  await resetCounters(cacheDir(ctx))
  ctx.print(`local cache cleared (${cacheDir(ctx)})`)
  if (!options.edge) return { local: true }
  const adminKey = ctx.env.TTS_ADMIN_KEY?.trim() || undefined
  const answer = await callEdge(edgeTarget(ctx, settings, adminKey), 'DELETE', '/v1/cache')
  if (answer.status === 403 || answer.status === 401) {
    throw new UserError(
      'admin_key_needed',
      `the edge refused to purge (${describeProblem(answer)}); purging needs a key with the admin scope: set TTS_ADMIN_KEY`,
    )
  }
  if (answer.status !== 200)
    throw new UserError('edge_refused', `edge purge: ${describeProblem(answer)}`)
  // The edge starts a new cache generation (one write, honoured by every location) and
  // removes the old entries in the background, so there is no count to show.
  const purged = answer.json as { tenant?: string | null; generation?: string }
  const edgePurged = { tenant: purged.tenant ?? null, generation: purged.generation ?? '' }
  ctx.print(
    `edge cache purged${edgePurged.tenant ? ` for tenant ${edgePurged.tenant}` : ''}; old entries are removed in the background`,
  )
  return { local: true, edgePurged }
}
