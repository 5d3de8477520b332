/**
 * @module edge/problems — every failure of an edge call turned into the client's typed errors:
 * the caller's fault (`EdgeRequestError`, from a 4xx problem+json; `InputRejectedError` for a
 * 422 `input_rejected`), a limit (`EdgeLimitError`: 429 `quota_exceeded`, `rate_limited`,
 * `queue_full`) or the edge's (`EdgeUnavailableError`: 5xx, 408, timeouts, network), or a
 * cancel (`AbortedError`). Each answer's request id goes with the error.
 */
import { parseRetryAfter } from '@tts/core/resilience'
import { isHTTPError, isNetworkError, isTimeoutError } from 'ky'
import { AbortedError, EdgeRequestError, EdgeUnavailableError } from '../errors/index.ts'
import { type EdgeLimitCode, EdgeLimitError, InputRejectedError } from '../errors/limits.ts'
import { rateLimitFigures } from './rate-limit.ts'

/** 408 and 429 are the edge's state, not the caller's mistake: they fall back like a 5xx. */
function isCallerStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429
}

const LIMIT_CODES: readonly string[] = ['quota_exceeded', 'rate_limited', 'queue_full']

/**
 * The typed error for a failed edge call.
 *
 * @example
 * catch (error) { throw await toClientError(error, signal) }
 */
export async function toClientError(
  error: unknown,
  signal: AbortSignal | undefined,
): Promise<Error> {
  if (error instanceof EdgeUnavailableError) return error
  if (signal?.aborted) return new AbortedError('speech was cancelled', signal.reason)
  if (isHTTPError(error)) return problemError(error.response, await readProblem(error.data), error)
  if (isTimeoutError(error)) {
    return new EdgeUnavailableError('timeout', 'the edge did not answer in time', { cause: error })
  }
  if (isNetworkError(error) || error instanceof TypeError) {
    return new EdgeUnavailableError('network_error', 'the edge could not be reached', {
      cause: error,
    })
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new AbortedError('speech was cancelled', error)
  }
  return new EdgeUnavailableError('edge_failed', 'the edge call failed', { cause: error })
}

/**
 * The typed error for an answer that is not a success, from its status, headers and problem.
 *
 * @example
 * problemError(response, { code: 'quota_exceeded', detail: '…' }) // an EdgeLimitError
 */
export function problemError(response: Response, problem: Problem, cause?: unknown): Error {
  const status = response.status
  const code = problem.code ?? `http_${status}`
  const requestId = problem.requestId ?? response.headers.get('x-request-id') ?? undefined
  const said = problem.detail ?? problem.title
  // The edge puts the id in a 5xx detail already; elsewhere it is added once, for quoting.
  const id =
    requestId !== undefined && status >= 500 && !said?.includes(requestId)
      ? ` (request id ${requestId})`
      : ''
  const message = `the edge answered ${status}${said ? `: ${said}` : ''}${id}`
  const withId = requestId === undefined ? {} : { requestId }
  if (status === 422 && code === 'input_rejected') return new InputRejectedError(message, requestId)
  if (isCallerStatus(status))
    return new EdgeRequestError(status, code, message, { status }, requestId)
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), Date.now())
  const wait = retryAfterMs === undefined ? {} : { retryAfterMs }
  if (status === 429 && LIMIT_CODES.includes(code)) {
    return new EdgeLimitError(code as EdgeLimitCode, message, {
      ...wait,
      ...withId,
      limits: rateLimitFigures(response.headers),
      cause,
    })
  }
  return new EdgeUnavailableError(code, message, { status, cause, ...wait, ...withId })
}

/** What the client reads of a problem+json body. */
export interface Problem {
  code?: string
  title?: string
  detail?: string
  requestId?: string
}

/**
 * The problem+json fields of a body (a string or parsed JSON); `{}` for anything else.
 *
 * @example
 * await readProblem('{"code":"rate_limited"}') // { code: 'rate_limited' }
 */
export async function readProblem(data: unknown): Promise<Problem> {
  let body = data
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body)
    } catch {
      return {}
    }
  }
  if (typeof body !== 'object' || body === null) return {}
  const b = body as Record<string, unknown>
  const pick = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined)
  const out: Problem = {}
  const code = pick('code')
  const title = pick('title')
  const detail = pick('detail')
  const requestId = pick('request_id')
  if (code !== undefined) out.code = code
  if (title !== undefined) out.title = title
  if (detail !== undefined) out.detail = detail
  if (requestId !== undefined) out.requestId = requestId
  return out
}
