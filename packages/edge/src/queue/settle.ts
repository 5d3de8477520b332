/**
 * @module queue/settle — what a queued synthesis owes its tenant when it leaves the queue
 * (done, dropped as hopeless, or dead-lettered): its place in the queue ledger back, and the
 * characters it prepaid that never reached the upstream (sentences the cache already held).
 */
import { refundWork, releaseQueued } from '../quota/index.ts'
import type { WorkMeter } from '../speech/context.ts'
import type { SynthMessage } from './message.ts'

/** A meter for prepaid work: it counts what the synthesis would charge, and charges nothing. */
export function prepaidMeter(): WorkMeter & { spent: number } {
  const meter = {
    spent: 0,
    // Prepaid when queued: nothing is refused here, so upstream work need not wait for it.
    mayRefuse: false,
    async charge(chars: number) {
      meter.spent += chars
      return undefined
    },
  }
  return meter
}

/**
 * Releases `body`'s queue place and refunds its unspent prepaid characters.
 *
 * @example
 * await settleQueued(env, body, meter.spent)
 */
export async function settleQueued(env: Env, body: SynthMessage, spent: number): Promise<void> {
  const { principal } = body
  await Promise.all([
    body.pending ? releaseQueued(env, principal.tenant, [body.pending]) : undefined,
    body.prepaid ? refundWork(env, principal, body.prepaid - spent) : undefined,
  ])
}
