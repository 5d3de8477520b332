/**
 * @module quota/object — the `WorkQuota` Durable Object, one per tenant: every key's
 * characters synthesized in the current minute and day, and the tenant's queued work (for
 * deduplication and the queue cap). A Durable Object because a quota must hold across
 * isolates and locations, and the Workers rate-limiting binding that limits requests
 * (`KEY_LIMITER`) cannot do this job: it counts only over 10 or 60 s, per location, and
 * cannot say what is left. The speech path calls it only on a miss, once, for the characters
 * it is about to send upstream; a cache hit never reaches it.
 */
import { DurableObject } from 'cloudflare:workers'
import {
  chargeUse,
  emptyState,
  freshIds,
  prunePending,
  type QuotaState,
  refundUse,
} from './count.ts'
import type { QuotaAnswer, QuotaWindow } from './limits.ts'

/** Limits as they cross RPC: `[window, limit]` pairs. */
export type WindowLimits = Array<[QuotaWindow, number]>

/** Work to queue: item ids (dedupe keys) and their characters. */
export interface QueueClaim {
  keyId: string
  limits: WindowLimits
  items: Array<{ id: string; chars: number }>
  /** The most items the tenant may have queued at once. */
  cap: number
  /** How long a claimed item counts as queued unless released. */
  ttlMs: number
}

/** The answer to a {@link QueueClaim}. */
export interface QueueAnswer {
  /** Ids newly claimed (the caller queues these, and only these). */
  fresh: string[]
  /** Items the tenant has queued now (the fresh ones included when accepted). */
  pending: number
  /** Refused because the tenant's queue is full. */
  full?: true
  /** The charge for the fresh items (absent when the key is unlimited). */
  quota?: QuotaAnswer
  /** The characters of the fresh items. */
  chars?: number
}

const STATE = 'state'

/** Per-tenant work counters and queue ledger. */
export class WorkQuota extends DurableObject<Env> {
  private state: QuotaState = emptyState()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    ctx.blockConcurrencyWhile(async () => {
      this.state = (await ctx.storage.get<QuotaState>(STATE)) ?? emptyState()
    })
  }

  private save(): Promise<void> {
    return this.ctx.storage.put(STATE, this.state)
  }

  private use(keyId: string) {
    this.state.keys[keyId] ??= {}
    return this.state.keys[keyId]
  }

  /** Charges `chars` to `keyId` if every window has room; else refuses and changes nothing. */
  async charge(keyId: string, limits: WindowLimits, chars: number): Promise<QuotaAnswer> {
    const answer = chargeUse(this.use(keyId), limits, chars, Date.now())
    if (answer.ok && chars > 0) await this.save()
    return answer
  }

  /** Gives back characters charged earlier (prepaid work that found the cache). */
  async refund(keyId: string, chars: number): Promise<void> {
    if (chars <= 0) return
    refundUse(this.use(keyId), chars, Date.now())
    await this.save()
  }

  /**
   * Claims items for the queue: drops those already queued, refuses when the rest would pass
   * the cap or the quota, else records them as queued and charges their characters.
   */
  async claim(request: QueueClaim): Promise<QueueAnswer> {
    const now = Date.now()
    const { pending } = this.state
    prunePending(pending, now)
    const fresh = freshIds(
      pending,
      request.items.map((i) => i.id),
    )
    const count = Object.keys(pending).length
    if (fresh.length === 0) return { fresh, pending: count }
    if (count + fresh.length > request.cap) return { fresh: [], pending: count, full: true }
    const unpriced = new Set(fresh)
    let chars = 0
    for (const item of request.items) if (unpriced.delete(item.id)) chars += item.chars
    let quota: QuotaAnswer | undefined
    if (request.limits.length > 0) {
      quota = chargeUse(this.use(request.keyId), request.limits, chars, now)
      if (!quota.ok) return { fresh: [], pending: count, quota, chars }
    }
    for (const id of fresh) pending[id] = now + request.ttlMs
    await this.save()
    return { fresh, pending: count + fresh.length, ...(quota ? { quota } : {}) }
  }

  /** Forgets queued items (done, dropped or dead-lettered). */
  async release(ids: string[]): Promise<void> {
    let changed = false
    for (const id of ids) {
      if (Object.hasOwn(this.state.pending, id)) {
        delete this.state.pending[id]
        changed = true
      }
    }
    if (changed) await this.save()
  }
}
