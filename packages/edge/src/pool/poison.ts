/**
 * @module pool/poison — input the upstream cannot synthesize (a text or language its model
 * fails on), told apart from a sick upstream: the same input failed on two upstreams, or
 * failed twice (in one request or across requests within `poisonTtlMs`) while a probe with
 * the fixed phrase succeeds on that upstream. Such input becomes a 422 `input_rejected`, is
 * remembered for `poisonTtlMs` (repeats are answered without an upstream), and its failures
 * never count against a breaker — it could otherwise hold a circuit open for everyone. Its
 * first failure is not counted either: an input-shaped failure counts only once the probe
 * has failed too.
 */
import { PoolError } from './errors.ts'
import type { Ledger } from './ledger.ts'
import type { Member } from './member.ts'

/** Entries kept at most; the oldest go first (a flood of distinct bad inputs cannot grow it). */
export const POISON_MEMO_MAX = 1000

/** Recent input failures and rejected inputs, by synthesis key. */
export interface PoisonMemo {
  /** True while `key` is remembered as rejected. */
  rejected(key: string): boolean
  /** Adds `failures` to `key`'s recent input failures; returns the recent total. */
  suspect(key: string, failures: number): number
  /** Remembers `key` as rejected. */
  reject(key: string): void
}

function bounded<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key)
  map.set(key, value)
  while (map.size > POISON_MEMO_MAX) {
    const oldest = map.keys().next().value
    if (oldest === undefined) break
    map.delete(oldest)
  }
}

/**
 * A memo whose entries last `ttlMs` (on `now`'s clock).
 *
 * @example
 * const memo = createPoisonMemo(() => options.poisonTtlMs)
 * if (memo.rejected(key)) return rejectInput(language)
 */
export function createPoisonMemo(ttlMs: () => number, now: () => number = Date.now): PoisonMemo {
  const rejected = new Map<string, number>()
  const suspects = new Map<string, { failures: number; until: number }>()
  return {
    rejected(key) {
      const until = rejected.get(key)
      if (until === undefined) return false
      if (until > now()) return true
      rejected.delete(key)
      return false
    },
    suspect(key, failures) {
      const seen = suspects.get(key)
      const before = seen && seen.until > now() ? seen.failures : 0
      const total = before + failures
      bounded(suspects, key, { failures: total, until: now() + ttlMs() })
      return total
    },
    reject(key) {
      suspects.delete(key)
      if (ttlMs() > 0) bounded(rejected, key, now() + ttlMs())
    },
  }
}

/**
 * The 422 for input the upstream cannot synthesize.
 *
 * @example
 * throw rejectInput('xx')
 */
export function rejectInput(language: string): PoolError {
  return new PoolError(
    'input_rejected',
    `the upstream could not synthesize this text in language '${language}': it failed on it repeatedly while other text succeeds; change the text or the language`,
  )
}

/**
 * What a synthesis that failed ends with: `rejectInput` when the failure followed the input
 * (its members' failures forgiven, the key remembered), else `error`. `verify` runs the
 * fixed-phrase probe on a member and says if it succeeded. An input-shaped failure on one
 * upstream is counted against its breaker only when that probe fails too (the server is
 * sick); when it succeeds, a first failure is answered as it is but not counted (with
 * `breakerThreshold: 1` one bad text used to open the circuit for everyone), a repeat is the
 * 422. Other failures are committed, one per member.
 *
 * @example
 * flight.fail(await judgeFailure({ memo, ledger, key, language, verify }, error))
 */
export async function judgeFailure(
  how: {
    memo: PoisonMemo
    ledger: Ledger
    key: string
    language: string
    verify: (member: Member) => Promise<boolean>
  },
  error: unknown,
): Promise<unknown> {
  const { memo, ledger, key } = how
  const members = [...ledger.inputMembers]
  const only = members[0]
  if (!only) {
    ledger.commit()
    return error
  }
  const total = memo.suspect(key, ledger.inputFailures)
  if (members.length < 2) {
    if (!(await how.verify(only))) {
      ledger.commit()
      return error
    }
    if (total < 2) {
      ledger.forgiveInput()
      return error
    }
  }
  ledger.forgiveInput()
  memo.reject(key)
  return rejectInput(how.language)
}
