/**
 * @module edge/problems — every failure of an edge call turned into the client's typed errors:
 * the caller's fault (`EdgeRequestError`, from a 4xx problem+json) or the edge's
 * (`EdgeUnavailableError`: 5xx, 408/429, timeouts, network), or a cancel (`AbortedError`).
 */
import { parseRetryAfter } from '@tts/core/resilience'
import { isHTTPError, isNetworkError, isTimeoutError } from 'ky'
import { AbortedError, EdgeRequestError, EdgeUnavailableError } from '../errors/index.ts'

/** 408 and 429 are the edge's state, not the caller's mistake: they fall back like a 5xx. */
function isCallerStatus(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 429
}

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
  if (isHTTPError(error)) {
    const status = error.response.status
    const problem = await readProblem(error.data)
    const code = problem.code ?? `http_${status}`
    const message = `the edge answered ${status}${problem.detail ? `: ${problem.detail}` : problem.title ? `: ${problem.title}` : ''}`
    if (isCallerStatus(status)) return new EdgeRequestError(status, code, message, { status })
    const retryAfterMs = parseRetryAfter(error.response.headers.get('retry-after'), Date.now())
    return new EdgeUnavailableError(code, message, {
      status,
      cause: error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    })
  }
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

interface Problem {
  code?: string
  title?: string
  detail?: string
}

async function readProblem(data: unknown): Promise<Problem> {
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
  if (code !== undefined) out.code = code
  if (title !== undefined) out.title = title
  if (detail !== undefined) out.detail = detail
  return out
}
