/**
 * @module cache/housekeeping — the cron's work on the cache, in batches that fit one
 * invocation's subrequest budget and resume where the last run stopped (cursors kept in KV).
 *
 * Each run walks a stretch of the KV index (pages of `pageSize` entries) and deletes what is
 * doomed: expired past the stale grace, of a retired generation (a purge, see `generation.ts`),
 * or past the size cap by the plan the previous full pass left. R2 objects go in one batched
 * `delete` per page, index entries one by one (KV has no batch delete in a Worker). With the
 * budget left, it walks a stretch of R2 too, for objects the index does not reach (a store
 * that failed between R2 and KV): expired or retired by their own metadata, or unreadable.
 *
 * Nothing here touches the Cache API: a copy there lives in one location only. What keeps
 * other locations from serving deleted audio: a purge changes every key (generation); a copy's
 * max-age never outlasts its entry's expiry; an evicted entry's copies are the same, valid
 * audio its key names (eviction frees R2 space, it does not say the audio is wrong).
 */
import { type Generation, INITIAL_GENERATION, listGenerations } from './generation.ts'
import { addToSketch, evictionThreshold, type LruSketch } from './lru-sketch.ts'
import { type EntryMeta, r2Name } from './store.ts'

/** Subrequests one run may make (Workers allow 1,000 per invocation; we stay well under). */
export const HOUSEKEEPING_BUDGET = 400
/** Index entries (and R2 objects) per page. */
export const HOUSEKEEPING_PAGE = 100
/**
 * An entry of an old generation is removed only once it and the purge are this old: KV may
 * show a location an old generation for ~60 s and isolates memo it 30 s, so entries written
 * under a retiring generation a little after the purge are removed too, and a run with a
 * stale view never removes entries of the newest generation (they are all younger).
 */
export const GENERATION_SETTLE_MS = 10 * 60_000
/** An R2 object without readable metadata younger than this may be a store in flight. */
const ORPHAN_GRACE_MS = 60 * 60_000
const STATE_NAME = 'housekeeping:state'

interface Totals {
  entries: number
  bytes: number
  staleBytes: number
  sketch: LruSketch
}
/** Eviction the next pass applies: every stale copy, and entries used at or before `before`. */
interface Plan {
  stale: boolean
  before: number | null
}
interface State {
  cursor?: string
  r2Cursor?: string
  totals: Totals
  plan?: Plan
}

/** What one run did. */
export interface HousekeepingReport {
  expired: number
  retired: number
  evicted: number
  orphans: number
  subrequests: number
  /** Set when a full pass of the index ended in this run: what it left. */
  remaining?: { entries: number; bytes: number }
}

/** Options of one run. */
export interface HousekeepingOptions {
  now: number
  maxBytes: number
  staleGraceMs?: number
  budget?: number
  pageSize?: number
}

const emptyTotals = (): Totals => ({ entries: 0, bytes: 0, staleBytes: 0, sketch: [] })

/** Why an entry goes, if it does. */
function verdict(
  meta: EntryMeta,
  o: Required<HousekeepingOptions>,
  generations: ReadonlyMap<string, Generation>,
  plan: Plan | undefined,
): 'expired' | 'retired' | 'evicted' | undefined {
  if (meta.expires + o.staleGraceMs <= o.now) return 'expired'
  if (meta.owner !== undefined && meta.created <= o.now - GENERATION_SETTLE_MS) {
    const current = generations.get(meta.owner) ?? INITIAL_GENERATION
    if ((meta.generation ?? INITIAL_GENERATION.id) !== current.id) return 'retired'
  }
  if (!plan) return undefined
  if (plan.stale && meta.expires <= o.now) return 'evicted'
  if (plan.before !== null && meta.lastUsed <= plan.before) return 'evicted'
  return undefined
}

function planOf(totals: Totals, maxBytes: number): Plan | undefined {
  const over = totals.bytes - maxBytes
  if (over <= 0) return undefined
  // Stale copies (kept only as an outage fallback) go first, then the least recently used.
  const rest = over - totals.staleBytes
  const before = rest > 0 ? (evictionThreshold(totals.sketch, rest) ?? null) : null
  return { stale: totals.staleBytes > 0, before }
}

function parseMeta(raw: string | undefined): EntryMeta | undefined {
  try {
    const meta = raw ? (JSON.parse(raw) as EntryMeta) : undefined
    return meta && typeof meta.expires === 'number' && typeof meta.created === 'number'
      ? meta
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Runs one batch of housekeeping as of `options.now`.
 *
 * @example
 * const report = await runHousekeeping(env.INDEX, env.AUDIO, { now: controller.scheduledTime, maxBytes })
 */
export async function runHousekeeping(
  kv: KVNamespace,
  r2: R2Bucket,
  options: HousekeepingOptions,
): Promise<HousekeepingReport> {
  const o: Required<HousekeepingOptions> = {
    staleGraceMs: 0,
    budget: HOUSEKEEPING_BUDGET,
    pageSize: HOUSEKEEPING_PAGE,
    ...options,
  }
  const report: HousekeepingReport = {
    expired: 0,
    retired: 0,
    evicted: 0,
    orphans: 0,
    subrequests: 0,
  }
  const spend = (n: number) => {
    report.subrequests += n
  }
  const left = () => o.budget - report.subrequests
  const state: State = (await kv.get<State>(STATE_NAME, 'json')) ?? { totals: emptyTotals() }
  spend(1)
  const listed = await listGenerations(kv)
  const generations = listed.generations
  spend(listed.calls)

  // A page costs at most: its list, one R2 batch delete, one KV delete per entry; plus the
  // final state write.
  let passes = 0
  while (left() >= o.pageSize + 3) {
    const page: KVNamespaceListResult<EntryMeta> = await kv.list<EntryMeta>({
      prefix: 'cache:',
      limit: o.pageSize,
      ...(state.cursor ? { cursor: state.cursor } : {}),
    })
    spend(1)
    const doomed: string[] = []
    for (const { name, metadata: meta } of page.keys) {
      if (!meta) continue
      const why = verdict(meta, o, generations, state.plan)
      if (why) {
        doomed.push(name.slice('cache:'.length))
        report[why]++
        continue
      }
      state.totals.entries++
      state.totals.bytes += meta.size
      if (meta.expires <= o.now) state.totals.staleBytes += meta.size
      else addToSketch(state.totals.sketch, meta.lastUsed, meta.size)
    }
    if (doomed.length > 0) {
      // R2 first: an interrupted run leaves index entries whose next pass deletes them again.
      await r2.delete(doomed.map(r2Name))
      await Promise.all(doomed.map((key) => kv.delete(`cache:${key}`)))
      spend(1 + doomed.length)
    }
    if (!page.list_complete) {
      state.cursor = page.cursor
      continue
    }
    report.remaining = { entries: state.totals.entries, bytes: state.totals.bytes }
    const plan = planOf(state.totals, o.maxBytes)
    delete state.cursor
    if (plan) state.plan = plan
    else delete state.plan
    state.totals = emptyTotals()
    passes++
    // Over the cap, a second pass applies the plan at once; else the index is done for now.
    if (!plan || passes >= 2) break
  }

  report.orphans = await sweepR2(r2, state, o, generations, left, spend)
  await kv.put(STATE_NAME, JSON.stringify(state))
  spend(1)
  return report
}

/** One stretch of R2: objects doomed by their own metadata, or unreadable and old. */
async function sweepR2(
  r2: R2Bucket,
  state: State,
  o: Required<HousekeepingOptions>,
  generations: ReadonlyMap<string, Generation>,
  left: () => number,
  spend: (n: number) => void,
): Promise<number> {
  let removed = 0
  while (left() >= 3) {
    const page = await r2.list({
      prefix: 'audio/',
      limit: o.pageSize,
      include: ['customMetadata'],
      ...(state.r2Cursor ? { cursor: state.r2Cursor } : {}),
    })
    spend(1)
    const doomed = page.objects.filter((object) => {
      const meta = parseMeta(object.customMetadata?.meta)
      if (meta) return verdict(meta, o, generations, undefined) !== undefined
      return object.uploaded.getTime() < o.now - ORPHAN_GRACE_MS
    })
    if (doomed.length > 0) {
      await r2.delete(doomed.map((object) => object.key))
      spend(1)
      removed += doomed.length
    }
    if (!page.truncated) {
      delete state.r2Cursor
      break
    }
    state.r2Cursor = page.cursor
  }
  return removed
}
