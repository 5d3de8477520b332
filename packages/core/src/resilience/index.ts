/**
 * @module resilience — circuit breaker, retry, timeout and concurrency gate for calls to
 * upstreams, over Web APIs only (runs unchanged in Workers, browsers and Node).
 *
 * Built on cockatiel v4 where it fits: its `ConsecutiveBreaker` counts the breaker's
 * failures. Its policies are not used as they are; each file says why.
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
