/**
 * @module observe/outcome — how a speech request ended, for the request counter
 * `tts.requests{outcome}` and its log line: `success`, `error` (with the problem code), or
 * `client_closed` when its caller went away before the answer was complete — nginx's 499
 * "client closed request". That last one is nobody's failure: it is logged once at info, with
 * no stack, and kept out of the error count operators alert on (an upstream's breaker and the
 * tenant's queue never hear of it either: see the speech route). 499 is written to the log
 * only; nobody is left to send it to.
 */
import type { LogData, Logger } from '@tts/core/log'
import { metrics } from './index.ts'

/** The log line's status of a request whose caller went away (nginx's 499). */
export const CLIENT_CLOSED_STATUS = 499

/** How a streamed answer ended: sent whole, cancelled by its caller, or broken mid-way. */
export type StreamEnd =
  | { outcome: 'success' }
  | { outcome: 'client_closed' }
  | { outcome: 'error'; code: string }

/**
 * True when the caller of `request` went away: `request.signal` aborts when the client
 * disconnects (compatibility flag `enable_request_signal`), and for nothing else.
 *
 * @example
 * if (callerLeft(c.req.raw)) recordClientClosed(log, { path: c.req.path })
 */
export function callerLeft(request: Request): boolean {
  return request.signal?.aborted === true
}

/**
 * Counts (`tts.requests{outcome="client_closed"}`) and logs, once and at info, a speech request
 * whose caller went away before its answer was complete.
 *
 * @example
 * recordClientClosed(log, { method: 'POST', path: '/v1/audio/speech', code: 'upstream_timeout' })
 */
export function recordClientClosed(log: Logger, data: LogData = {}): void {
  metrics.recordOutcome('client_closed')
  log.info('client closed request', {
    ...data,
    outcome: 'client_closed',
    status: CLIENT_CLOSED_STATUS,
  })
}

/**
 * Counts a streamed answer by how it ended, once it ended: its headers went out long before,
 * so only then is it known whether anyone heard it whole. A broken stream was logged where it
 * broke (`speech/answer.ts`); a cancelled one is logged here.
 *
 * @example
 * void ended.then((end) => recordStreamEnd(log, end, { path }))
 */
export function recordStreamEnd(log: Logger, end: StreamEnd, data: LogData = {}): void {
  if (end.outcome === 'client_closed') recordClientClosed(log, data)
  else if (end.outcome === 'error') metrics.recordOutcome('error', { code: end.code })
  else metrics.recordOutcome('success')
}
