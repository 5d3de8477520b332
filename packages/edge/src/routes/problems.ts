/**
 * @module routes/problems — the OpenAPI description of our error answers: one `Problem`
 * schema (problem+json with the request id and OpenAI's `error` member) and the statuses each route can answer,
 * so the document lists every status a client has to handle.
 */
import { z } from '@hono/zod-openapi'

/** The body of every error answer (see problem/index.ts). */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'https://tts-edge.dev/problems/invalid_request' }),
    title: z.string().openapi({ example: 'Bad Request' }),
    status: z.number().openapi({ example: 400 }),
    code: z
      .string()
      .openapi({ description: 'Stable machine-readable code', example: 'invalid_request' }),
    detail: z.string().openapi({
      description:
        'A 4xx: what was wrong and what is allowed. A 5xx: a fixed message for its code and the request id (the internal reason is logged, never sent)',
    }),
    instance: z.string().openapi({
      description: 'This occurrence, by its request id',
      example: 'urn:tts-edge:request:3f1c9a52-0b6e-4c1e-9d3a-5b8f7e2a1c44',
    }),
    request_id: z.string().openapi({
      description:
        'The same as the `x-request-id` header (the caller’s own when sane, else generated); quote it when reporting a 5xx',
    }),
    error: z
      .object({
        message: z.string(),
        type: z.string().openapi({ example: 'invalid_request_error' }),
        param: z.string().nullable().openapi({ example: 'input' }),
        code: z.string(),
      })
      .openapi({ description: 'The same error as OpenAI’s SDKs read it' }),
  })
  .openapi('Problem')

const DESCRIPTIONS = {
  400: 'Invalid request (`invalid_request`, `unsupported_format`, `unknown_voice`, `unsupported_language`); `input` is at most 4096 characters before and after Unicode normalisation and at most 100 distinct sentences',
  401: 'No valid API key (`unauthorized`)',
  403: 'The API key lacks the scope (`forbidden`)',
  404: 'No such resource (`not_found`)',
  409: 'The API key owns as many cloned voices as it may (`too_many_voices`; MAX_VOICES_PER_KEY)',
  413: 'The request body is too large (`payload_too_large`)',
  415: 'Wrong Content-Type (`unsupported_media_type`)',
  416: 'The Range lies outside the cached audio (`range_not_satisfiable`)',
  422: 'The upstream cannot synthesize this input (`input_rejected`): it failed on this text and language repeatedly while other text succeeds (remembered for a few minutes), or a sentence has letters of a script its language does not read (Arabic script sent as `en`) and came out implausible; change the text or language',
  429: 'Too many requests for this key (`rate_limited`), its work quota is spent (`quota_exceeded`, with x-ratelimit-* headers) or its tenant’s queue is full (`queue_full`); always with Retry-After',
  500: 'Our fault (`internal_error`); quote `request_id` (also in x-request-id) when reporting it',
  502: 'The upstream answered wrongly (`upstream_error`, `upstream_invalid_audio`, `upstream_truncated`)',
  503: 'No upstream can serve now (`upstream_unavailable`, `circuit_open`, `upstream_busy`, with Retry-After)',
  504: 'The upstream did not answer in time (`upstream_timeout`)',
} as const

/** A status an error answer can have. */
export type ProblemStatus = keyof typeof DESCRIPTIONS

/** Statuses every route behind an API key can answer. */
export const AUTHED: readonly ProblemStatus[] = [401, 403, 429, 500]

/**
 * OpenAPI `responses` entries for the given error statuses.
 *
 * @example
 * responses: { 200: ok, ...problemResponses([400, ...AUTHED, 503]) }
 */
export function problemResponses(statuses: readonly ProblemStatus[]) {
  const out: Record<string, ProblemResponse> = {}
  for (const status of statuses) {
    out[status] = {
      description: DESCRIPTIONS[status],
      content: { 'application/problem+json': { schema: ProblemSchema } },
    }
  }
  return out
}

interface ProblemResponse {
  description: string
  content: { 'application/problem+json': { schema: typeof ProblemSchema } }
}
