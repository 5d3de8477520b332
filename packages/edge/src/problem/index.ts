/**
 * @module problem — every error the worker answers is `application/problem+json` (RFC 9457)
 * with a stable `code`, built here and only here. The same body also carries OpenAI's
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
  rate_limited: 429,
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

/**
 * The problem+json response for an error.
 *
 * @example
 * return problemResponse(new ProblemError('not_found', 'no route GET /nope'), '/nope')
 */
export function problemResponse(error: ProblemError, instance?: string): Response {
  const body: Record<string, unknown> = {
    type: `https://tts-edge.dev/problems/${error.code}`,
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(instance === undefined ? {} : { instance }),
    ...(error.details === undefined ? {} : error.details),
    error: {
      message: error.message,
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
  if (error.retryAfterS !== undefined)
    headers.set('retry-after', String(Math.ceil(error.retryAfterS)))
  return new Response(JSON.stringify(body), { status: error.status, headers })
}
