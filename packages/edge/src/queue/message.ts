/**
 * @module queue/message — the body of a queued synthesis and how it is sent: prefetch (cache
 * warming) and deferred synthesis (no upstream could serve) share one queue and one shape.
 */
import type { Principal } from '../auth/index.ts'
import type { SpeechInput } from '../speech/prepare.ts'

/** A queued synthesis. */
export interface SynthMessage {
  kind: 'synthesize'
  principal: Principal
  request: SpeechInput
  /** Why it was queued (for logs). */
  reason?: 'prefetch' | 'deferred'
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
): Promise<void> {
  const body: SynthMessage = {
    kind: 'synthesize',
    principal,
    request: { ...request, stream: false },
    ...(reason ? { reason } : {}),
  }
  await queue.send(body)
}
