/**
 * @module pool/ledger — one synthesis's verdicts on the members it tried. However many
 * attempts one request makes, each member's breaker hears of it once: four retries of one
 * request used to count as four consecutive failures and nearly open the circuit for every
 * tenant. The verdicts wait until the request's outcome is known, so a failure that turns out
 * to follow the input (poison input, see `pool/poison`) is forgiven rather than counted.
 */
import type { Member } from './member.ts'
import { codeOf } from './state.ts'

/** One synthesis's failures, not yet told to the breakers. */
export interface Ledger {
  /** Records a failed attempt on `member`; the breaker's verdict waits for `commit`/`forgive`. */
  failed(member: Member, error: unknown): void
  /** Members that failed in a way the input itself can cause (a 500, an empty or bad stream). */
  readonly inputMembers: ReadonlySet<Member>
  /** How many attempts failed that way. */
  readonly inputFailures: number
  /** Tells each member's breaker of its first failure: one per member per request. */
  commit(): void
  /** The input was at fault: its members' failures are dropped; the others are committed. */
  forgiveInput(): void
}

/**
 * True when `error` is what an upstream says about input its model cannot take: the real
 * server's 500 from `/tts`, or a `/tts_stream` 200 that ends with no (or broken) audio. A
 * time-out, a refused connection, a 503 or a 429 says nothing about the input.
 *
 * @example
 * inputShaped(new UpstreamError('upstream_error', '500', { status: 500 })) // true
 */
export function inputShaped(error: unknown): boolean {
  const code = codeOf(error)
  if (code === 'upstream_truncated' || code === 'upstream_invalid_audio') return true
  const status = (error as { upstreamStatus?: number } | null)?.upstreamStatus
  return code === 'upstream_error' && (status === undefined || status === 500)
}

/**
 * A ledger for one synthesis.
 *
 * @example
 * const ledger = createLedger()
 * try { await attempts(ledger) } finally { ledger.commit() }
 */
export function createLedger(): Ledger {
  const pending = new Map<Member, { error: unknown; input: boolean }>()
  const inputMembers = new Set<Member>()
  let inputFailures = 0
  let settled = false

  function tell(member: Member, error: unknown): void {
    member.breaker.failure(error)
  }

  return {
    failed(member, error) {
      const verdict = member.classify(error)
      if (verdict !== 'failure') {
        // An answer (4xx) or nothing said (429, a caller's abort): as before, at once.
        member.settle(error)
        return
      }
      member.noteError(error)
      const input = inputShaped(error)
      if (input) {
        inputFailures++
        inputMembers.add(member)
      }
      const seen = pending.get(member)
      if (seen) {
        member.breaker.release()
        seen.input &&= input
      } else if (settled) tell(member, error)
      else pending.set(member, { error, input })
    },
    get inputMembers() {
      return inputMembers
    },
    get inputFailures() {
      return inputFailures
    },
    commit() {
      settled = true
      for (const [member, { error }] of pending) tell(member, error)
      pending.clear()
    },
    forgiveInput() {
      settled = true
      for (const [member, { error, input }] of pending) {
        if (input) member.breaker.release()
        else tell(member, error)
      }
      pending.clear()
    },
  }
}
