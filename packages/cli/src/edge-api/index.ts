/**
 * @module edge-api — the few calls the CLI makes to the edge directly, outside the SDK: health,
 * readiness, cache stats and purge, prefetch, and a timed speech request for `doctor`. The SDK
 * covers speech with its fallback; these are the operator's calls, where a failure must be
 * reported as it is, not hidden by a local voice.
 */
import type { Logger } from '@tts/core/log'
import { parseRetryAfter } from '@tts/core/resilience'
import { UserError } from '../errors/index.ts'

/** Where and how to reach the edge. */
export interface EdgeTarget {
  endpoint: string
  apiKey?: string | undefined
  timeoutMs: number
  fetch?: typeof fetch
  /** Gets one debug line per call (method, path, status, ms; never the key). */
  logger?: Logger
}

/** An answer of the edge. */
export interface EdgeAnswer {
  status: number
  headers: Headers
  body: Uint8Array
  ms: number
  /** The body parsed as JSON, when it is JSON. */
  json: unknown
}

/**
 * Calls the edge. Rejects with a `UserError` (`edge_unreachable`) when no answer came; any HTTP
 * status resolves, for the caller to judge.
 *
 * @example
 * const { status, json } = await callEdge(target, 'GET', '/readyz')
 */
export async function callEdge(
  target: EdgeTarget,
  method: string,
  path: string,
  body?: unknown,
): Promise<EdgeAnswer> {
  const headers: Record<string, string> = { accept: 'application/json, audio/*' }
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const started = performance.now()
  let response: Response
  try {
    response = await (target.fetch ?? fetch)(`${target.endpoint}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(Math.max(target.timeoutMs, 1000) * 4),
    })
  } catch (error) {
    target.logger?.debug('edge call failed', { method, path, error: String(error) })
    const cause = (error as { cause?: { code?: string } }).cause?.code
    const why = (error as Error).name === 'TimeoutError' ? 'timed out' : (cause ?? 'network error')
    throw new UserError(
      'edge_unreachable',
      `cannot reach the edge at ${target.endpoint} (${why}); check the endpoint and that the edge is running`,
      { cause: error },
    )
  }
  const bytes = new Uint8Array(await response.arrayBuffer())
  const ms = Math.round(performance.now() - started)
  target.logger?.debug('edge call', { method, path, status: response.status, ms })
  target.logger?.metric('tts_cli_edge_call', ms, 'ms', { path, status: response.status })
  let json: unknown
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      json = JSON.parse(new TextDecoder().decode(bytes))
    } catch {}
  }
  return { status: response.status, headers: response.headers, body: bytes, ms, json }
}

/**
 * A one-line description of an error answer, from its problem+json when there is one. A 5xx
 * names the edge's request id (`request_id`, or the `x-request-id` header), to quote in a report.
 *
 * @example
 * describeProblem(answer) // '401 unauthorized: missing or invalid API key'
 */
export function describeProblem(answer: EdgeAnswer): string {
  const p = (answer.json ?? {}) as {
    code?: unknown
    detail?: unknown
    title?: unknown
    request_id?: unknown
  }
  const code = typeof p.code === 'string' ? ` ${p.code}` : ''
  const text =
    typeof p.detail === 'string' ? p.detail : typeof p.title === 'string' ? p.title : undefined
  const requestId =
    typeof p.request_id === 'string' ? p.request_id : answer.headers.get('x-request-id')
  // The edge writes the id into a 5xx detail itself; it is added only where it is missing.
  const id =
    answer.status >= 500 && requestId && !text?.includes(requestId)
      ? ` (request id ${requestId})`
      : ''
  return `${answer.status}${code}${text ? `: ${text}` : ''}${id}`
}

/**
 * The seconds of an answer's `Retry-After` (a number or an HTTP date), when it has one.
 *
 * @example
 * retryAfterSeconds(answer) // 42
 */
export function retryAfterSeconds(answer: EdgeAnswer, now = Date.now()): number | undefined {
  const ms = parseRetryAfter(answer.headers.get('retry-after'), now)
  return ms === undefined ? undefined : Math.ceil(ms / 1000)
}
