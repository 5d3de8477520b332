/**
 * @module problem — every error the worker answers is `application/problem+json` (RFC 9457)
 * with a stable `code` and the request id, built here and only here. A 4xx says what was wrong
 * with the request; a 5xx says only which kind of failure it was (its internal text is logged). The same body also carries OpenAI's
 * `error` member (`{message, type, param, code}`), because OpenAI's SDKs read only that:
 * without it the `openai` npm client shows our whole JSON as its message.
 */
import { isTtsError, TtsError } from '@tts/core/errors'

/** Stable problem codes and the HTTP status each one answers with. */
export const PROBLEM_STATUS = {
  invalid_request: 400,
  unsupported_format: 400,
  unknown_voice: 400,
  unsupported_language: 400,
  unauthorized: 401,
  token_invalid: 401,
  token_expired: 401,
  forbidden: 403,
  token_origin_mismatch: 403,
  token_budget_exceeded: 403,
  not_found: 404,
  method_not_allowed: 405,
  too_many_voices: 409,
  payload_too_large: 413,
  range_not_satisfiable: 416,
  unsupported_media_type: 415,
  input_rejected: 422,
  rate_limited: 429,
  quota_exceeded: 429,
  queue_full: 429,
  internal_error: 500,
  not_implemented: 501,
  upstream_error: 502,
  upstream_invalid_audio: 502,
  upstream_truncated: 502,
  upstream_unavailable: 503,
  circuit_open: 503,
  upstream_busy: 503,
  upstream_timeout: 504,
} as const

/** One of the stable problem codes. */
export type ProblemCode = keyof typeof PROBLEM_STATUS

/** Options of a {@link ProblemError}. */
export interface ProblemOptions {
  cause?: unknown
  details?: Record<string, unknown>
  /** Seconds for a `Retry-After` header. */
  retryAfterS?: number
  /** Extra response headers (e.g. `Allow`, `WWW-Authenticate`). */
  headers?: Record<string, string>
  /** The request field at fault (OpenAI's `error.param`), e.g. `response_format`. */
  param?: string
}

/**
 * An error that becomes a problem+json answer in the app's one `onError`.
 *
 * @example
 * throw new ProblemError('unsupported_format', 'response_format "flac" is not supported; use wav, pcm, mp3 or opus')
 */
export class ProblemError extends TtsError {
  readonly status: number
  readonly retryAfterS: number | undefined
  readonly headers: Record<string, string>
  readonly param: string | undefined

  constructor(code: ProblemCode, message: string, options: ProblemOptions = {}) {
    super(code, message, {
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      ...(options.details === undefined ? {} : { details: options.details }),
    })
    this.name = 'ProblemError'
    this.status = PROBLEM_STATUS[code]
    this.retryAfterS = options.retryAfterS
    this.headers = options.headers ?? {}
    this.param = options.param
  }
}

/** True for a {@link ProblemError} from any copy of this module. */
export function isProblemError(value: unknown): value is ProblemError {
  return isTtsError(value) && typeof (value as Partial<ProblemError>).status === 'number'
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

// The field a code always points at, for errors raised far from the request's parsing.
const PARAM_OF: Partial<Record<string, string>> = {
  unsupported_format: 'response_format',
  unknown_voice: 'voice',
  unsupported_language: 'language',
}

/** OpenAI's `error.type` for each status class, as its SDKs and docs name them. */
function openAiType(status: number): string {
  if (status === 401) return 'authentication_error'
  if (status === 403) return 'permission_error'
  if (status === 404) return 'not_found_error'
  if (status === 429) return 'rate_limit_error'
  if (status >= 500) return 'server_error'
  return 'invalid_request_error'
}

/** A 5xx code: its answer says only what kind of failure it was, never the internal text. */
type ServerCode = {
  [C in ProblemCode]: (typeof PROBLEM_STATUS)[C] extends 500 | 501 | 502 | 503 | 504 ? C : never
}[ProblemCode]

/**
 * What a caller reads for each 5xx code. The internal text (an upstream's answer, a runtime's
 * message, a misconfigured secret's name) goes to the log with the request id, never out: it
 * can name hosts, secrets or internals, and callers cannot act on it anyway.
 */
const PUBLIC_MESSAGES: Record<ServerCode, string> = {
  internal_error: 'something went wrong on our side',
  not_implemented:
    'this edge does not offer that: it is not configured, or its upstream cannot do it',
  upstream_error: 'the speech server failed',
  upstream_invalid_audio: 'the speech server answered with audio that is not valid',
  upstream_truncated: 'the speech server’s audio ended early',
  upstream_unavailable: 'no speech server can be reached now; retry after Retry-After seconds',
  circuit_open: 'the speech servers are failing and paused; retry after Retry-After seconds',
  upstream_busy: 'every speech server is busy; retry after Retry-After seconds',
  upstream_timeout: 'the speech server did not answer in time',
}

/** Details a 5xx answer may carry (facts of ours, not of the failure's internals). */
const PUBLIC_5XX_DETAILS = new Set(['retryAfterS'])

/**
 * The message a caller reads for `error`: its own for a 4xx (it describes the caller's input),
 * the code's public message and the request id for a 5xx.
 *
 * @example
 * publicMessage(new ProblemError('internal_error', 'configuration API_KEYS is not valid JSON'), 'r1')
 * // 'something went wrong on our side (request id r1)'
 */
export function publicMessage(error: ProblemError, requestId?: string): string {
  if (error.status < 500) return error.message
  const generic = PUBLIC_MESSAGES[error.code as ServerCode] ?? PUBLIC_MESSAGES.internal_error
  return requestId === undefined ? generic : `${generic} (request id ${requestId})`
}

function publicDetails(error: ProblemError): Record<string, unknown> {
  if (error.details === undefined) return {}
  if (error.status < 500) return error.details
  return Object.fromEntries(
    Object.entries(error.details).filter(([name]) => PUBLIC_5XX_DETAILS.has(name)),
  )
}

/**
 * The problem+json response for an error. `instance` names this occurrence by its request id
 * (the same id as the `x-request-id` header and the log lines of the request).
 *
 * @example
 * return problemResponse(new ProblemError('not_found', 'no route GET /nope'), 'f81d4fae7dec')
 */
export function problemResponse(error: ProblemError, requestId?: string): Response {
  const message = publicMessage(error, requestId)
  const body: Record<string, unknown> = {
    type: `https://tts-edge.dev/problems/${error.code}`,
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    code: error.code,
    detail: message,
    ...(requestId === undefined
      ? {}
      : { instance: `urn:tts-edge:request:${requestId}`, request_id: requestId }),
    ...publicDetails(error),
    error: {
      message,
      type: openAiType(error.status),
      param: error.param ?? PARAM_OF[error.code] ?? null,
      code: error.code,
    },
  }
  const headers = new Headers({
    'content-type': 'application/problem+json; charset=utf-8',
    'cache-control': 'no-store',
    ...error.headers,
  })
  if (requestId !== undefined) headers.set('x-request-id', requestId)
  if (error.retryAfterS !== undefined)
    headers.set('retry-after', String(Math.ceil(error.retryAfterS)))
  return new Response(JSON.stringify(body), { status: error.status, headers })
}
