/**
 * @module queue/message — the body of a queued synthesis and how it is sent: prefetch (cache
 * warming) and deferred synthesis (no upstream could serve) share one queue and one shape.
 * Each message holds a place in its tenant's queue ledger (quota/), so an identical request
 * is not queued twice and one tenant cannot fill the queue.
 */
import type { Principal } from '../auth/index.ts'
import { claimQueue } from '../quota/index.ts'
import type { SpeechInput } from '../speech/prepare.ts'

/** A queued synthesis. */
export interface SynthMessage {
  kind: 'synthesize'
  principal: Principal
  request: SpeechInput
  /** Why it was queued (for logs). */
  reason?: 'prefetch' | 'deferred'
  /** Its place in the tenant's queue ledger, released once the work is done or dropped. */
  pending?: string
  /** Characters charged when it was queued (prefetch); what the cache already held is refunded. */
  prepaid?: number
}

/**
 * Queues `request` for synthesis into the cache.
 *
 * @example
 * await deferSynthesis(env.SYNTH_QUEUE, principal, input, 'deferred')
 */
export async function deferSynthesis(
  queue: Queue,
  principal: Principal,
  request: SpeechInput,
  reason: SynthMessage['reason'],
  pending?: string,
): Promise<void> {
  const body: SynthMessage = {
    kind: 'synthesize',
    principal,
    request: { ...request, stream: false },
    ...(reason ? { reason } : {}),
    ...(pending ? { pending } : {}),
  }
  await queue.send(body)
}

/**
 * Queues a request no upstream could serve, unless the same answer (its cache key) is queued
 * already or the tenant's queue is full: overload must not make more work. Not charged again:
 * the request that failed was charged for its sentences.
 *
 * @example
 * ctx.waitUntil(deferOnce(env, principal, input, prepared.key))
 */
export async function deferOnce(
  env: Env,
  principal: Principal,
  request: SpeechInput,
  cacheKey: string,
): Promise<'queued' | 'duplicate' | 'full'> {
  const id = `deferred:${cacheKey}`
  try {
    const { fresh } = await claimQueue(env, principal, [{ id, chars: 0 }], { charge: false })
    if (fresh.length === 0) return 'duplicate'
  } catch (error) {
    if ((error as { code?: string } | null)?.code === 'queue_full') return 'full'
    throw error
  }
  await deferSynthesis(env.SYNTH_QUEUE, principal, request, 'deferred', id)
  return 'queued'
}
