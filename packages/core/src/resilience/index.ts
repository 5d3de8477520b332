/**
 * @module resilience — circuit breaker, retry, timeout and concurrency gate for calls to
 * upstreams, over Web APIs only (runs unchanged in Workers, browsers and Node).
 *
 * Built on cockatiel v4 where it fits: its `ConsecutiveBreaker` counts the breaker's
 * failures and its `ExponentialBackoff` with decorrelated jitter spaces the retries (any
 * cockatiel backoff can be passed in). Its policies themselves are not used: the breaker
 * policy reads `Date.now()` directly and parks callers behind the half-open probe, the retry
 * policy's waits cannot be aborted and know no `Retry-After` or deadline, the timeout policy
 * reports a caller's abort as a timeout, and the bulkhead keeps aborted waiters queued and
 * has no wait limit — each file says more. cockatiel is plain ESM with no `node:` imports
 * (its only Node API, `process.hrtime`, is a fallback when `performance` is missing, and
 * only in code we do not import), so it bundles for Workers and browsers as it is.
 */

export {
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakerSnapshot,
  type CircuitEvent,
  type CircuitState,
  type CircuitTransition,
  createCircuitBreaker,
  type FailureVerdict,
} from './breaker.ts'
export {
  httpStatusOf,
  isAbortError,
  isRetryableStatus,
  isTransientError,
  retryAfterOf,
} from './classify.ts'
export {
  BrokenCircuitError,
  GateFullError,
  GateTimeoutError,
  HttpStatusError,
  type HttpStatusErrorOptions,
  isBrokenCircuitError,
  isGateFullError,
  isGateTimeoutError,
  isTimeoutError,
  parseRetryAfter,
  TimeoutError,
} from './errors.ts'
export {
  type ConcurrencyGate,
  type ConcurrencyGateOptions,
  createConcurrencyGate,
  type GateStats,
  type GateWaitOptions,
} from './gate.ts'
export { type RetryEvent, type RetryOptions, retry } from './retry.ts'
export { sleep } from './sleep.ts'
export { type TimeoutOptions, withTimeout } from './timeout.ts'
