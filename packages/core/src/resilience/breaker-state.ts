/**
 * @module resilience/breaker-state — the circuit breaker's saved state: its shape, and the
 * checks a value read back from storage must pass before a breaker starts from it.
 */
import { TtsError } from '../errors/index.ts'

/** Where the breaker stands. */
export type CircuitState = 'closed' | 'open' | 'half-open'

/** The breaker's saved state: what `toJSON()` returns and `initialState` accepts. */
export interface CircuitBreakerSnapshot {
  version: 1
  state: CircuitState
  /** Consecutive failures counted so far. */
  failures: number
  /** When the circuit last opened, on the breaker's clock (`now()`, epoch ms by default). */
  openedAt: number | null
}

const STATES: readonly CircuitState[] = ['closed', 'open', 'half-open']

/**
 * Checks a saved state read back from storage; throws `invalid_options` saying what is wrong.
 *
 * @example
 * const saved = restoreSnapshot(await storage.get('breaker'))
 */
export function restoreSnapshot(value: unknown): CircuitBreakerSnapshot {
  const bad = (why: string) =>
    new TtsError('invalid_options', `circuit breaker \`initialState\` ${why}`, {
      details: { allowed: '{version: 1, state: closed|open|half-open, failures ≥ 0, openedAt}' },
    })
  if (typeof value !== 'object' || value === null) throw bad('must be an object from toJSON()')
  const v = value as Record<string, unknown>
  if (v.version !== 1) throw bad(`has version ${String(v.version)}; only version 1 is known`)
  if (!STATES.includes(v.state as CircuitState)) {
    throw bad(`has state ${JSON.stringify(v.state)}; allowed: ${STATES.join(', ')}`)
  }
  const state = v.state as CircuitState
  if (!Number.isSafeInteger(v.failures) || (v.failures as number) < 0) {
    throw bad(`has failures ${String(v.failures)}; must be an integer ≥ 0`)
  }
  const openedAt = v.openedAt ?? null
  if (state !== 'closed' && (typeof openedAt !== 'number' || !Number.isFinite(openedAt))) {
    throw bad(`is ${state} but openedAt is ${String(openedAt)}; must be a time in ms`)
  }
  return { version: 1, state, failures: v.failures as number, openedAt: openedAt as number | null }
}
