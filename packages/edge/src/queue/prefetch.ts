/**
 * @module queue/prefetch — queues the items of a prefetch: identical items (in this request,
 * or still queued from an earlier one) are queued once and charged once, and each takes a
 * place in the tenant's queue ledger (quota/, `TENANT_QUEUE_MAX`). Refusals (queue full, quota
 * spent) are 429 problems thrown before anything is queued.
 */
import type { Principal } from '../auth/index.ts'
import { claimQueue, prefetchItem, type WindowState } from '../quota/index.ts'
import { settingsOf } from '../settings/index.ts'
import { scopeOf } from '../speech/context.ts'
import type { SpeechInput } from '../speech/prepare.ts'
import type { SynthMessage } from './message.ts'

/** What a prefetch queued, and the key's quota windows after its charge. */
export interface PrefetchOutcome {
  queued: number
  duplicates: number
  windows: WindowState[] | undefined
}

/**
 * Queues `requests` (already checked) for synthesis into the cache.
 *
 * @example
 * const { queued, duplicates } = await queuePrefetch(env, principal, requests)
 */
export async function queuePrefetch(
  env: Env,
  principal: Principal,
  requests: SpeechInput[],
): Promise<PrefetchOutcome> {
  const scope = scopeOf(settingsOf(env).cacheTenancy, principal)
  const priced = await Promise.all(requests.map((request) => prefetchItem(scope, request)))
  const { fresh, windows } = await claimQueue(env, principal, priced)
  const wanted = new Set(fresh)
  const messages: { body: SynthMessage }[] = []
  for (const [i, request] of requests.entries()) {
    const item = priced[i]
    if (!item || !wanted.delete(item.id)) continue
    messages.push({
      body: {
        kind: 'synthesize',
        principal,
        request: { ...request, stream: false },
        reason: 'prefetch',
        pending: item.id,
        prepaid: item.chars,
      },
    })
  }
  // sendBatch takes at most 100 messages; the prefetch schema allows at most 100 items.
  if (messages.length > 0) await env.SYNTH_QUEUE.sendBatch(messages)
  return { queued: messages.length, duplicates: requests.length - messages.length, windows }
}
