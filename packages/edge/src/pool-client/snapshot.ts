/**
 * @module pool-client/snapshot — the pool's readiness as `/readyz` tells it to anyone: one
 * snapshot per isolate and pool config, at most {@link READY_SNAPSHOT_MS} old, so traffic on an
 * endpoint that needs no key never turns into one call per hit on the single pool object (which
 * also serves every synthesis). Requests that arrive while the snapshot is being refreshed share
 * that one call.
 *
 * Why 2 s: load balancers and uptime checks poll every 5–30 s, so each of their polls still
 * meets a fresh answer; breaker states change on the scale of failures and minutes (five
 * failures open a circuit for 5 min), so a view 2 s old is never meaningfully wrong; and a
 * flood of unauthenticated hits costs at most one pool call per isolate every 2 s.
 */
import { metrics } from '../observe/index.ts'
import type { PoolClient } from './index.ts'

/** How long one pool answer serves `/readyz` in this isolate. */
export const READY_SNAPSHOT_MS = 2000

/** The pool calls made for readiness, in this isolate (a counter on `/metrics`). */
export const READY_POOL_CALLS = 'tts.edge.readyz.pool_calls'

/** The pool's state at one moment. */
export interface ReadySnapshot {
  ready: boolean
  /** The pool's own answer; absent when the pool object could not be asked. */
  pool?: Awaited<ReturnType<PoolClient['status']>>
  /** Epoch ms when the answer arrived. */
  checkedAt: number
}

interface Slot {
  value?: ReadySnapshot
  pending?: Promise<ReadySnapshot>
}

/** Pool configs seen by this isolate: few in production, one per test pool in the tests. */
const MAX_SLOTS = 64
const slots = new Map<string, Slot>()
let now: () => number = Date.now

/**
 * Forgets every snapshot; with `clock`, the time source (tests use a fake one).
 *
 * @example
 * resetReadySnapshots(() => fakeNow)
 */
export function resetReadySnapshots(clock?: () => number): void {
  slots.clear()
  now = clock ?? Date.now
}

function slotOf(id: string): Slot {
  let slot = slots.get(id)
  if (!slot) {
    slot = {}
    slots.set(id, slot)
    if (slots.size > MAX_SLOTS) slots.delete(slots.keys().next().value as string)
  }
  return slot
}

async function ask(client: PoolClient, onError: (error: unknown) => void): Promise<ReadySnapshot> {
  metrics.counter(READY_POOL_CALLS).inc()
  try {
    const pool = await client.status()
    return { ready: pool.ready, pool, checkedAt: now() }
  } catch (error) {
    // A pool that cannot be asked cannot serve either: degraded, and remembered as long as a
    // good answer would be, so a failing object is not asked once per hit.
    onError(error)
    return { ready: false, checkedAt: now() }
  }
}

/**
 * The pool's readiness: the isolate's snapshot while it is younger than
 * {@link READY_SNAPSHOT_MS}, else one new pool call shared by every request that waits for it.
 * `fresh` skips the snapshot (an admin's read; it still joins a call already under way, and its
 * answer becomes everyone's snapshot). `onError` hears why the pool could not be asked (only
 * the request that made the call).
 *
 * @example
 * const { ready } = await readySnapshot(poolClient(env))
 */
export function readySnapshot(
  client: PoolClient,
  options: { fresh?: boolean; onError?: (error: unknown) => void } = {},
): Promise<ReadySnapshot> {
  const slot = slotOf(`${client.settings.name}\n${client.settings.configId}`)
  const value = slot.value
  if (!options.fresh && value && now() - value.checkedAt < READY_SNAPSHOT_MS) {
    return Promise.resolve(value)
  }
  if (slot.pending) return slot.pending
  const pending = ask(client, options.onError ?? (() => {})).then((next) => {
    if (slot.pending === pending) delete slot.pending
    if (!slot.value || slot.value.checkedAt <= next.checkedAt) slot.value = next
    return next
  })
  slot.pending = pending
  return pending
}
