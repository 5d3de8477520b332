/**
 * @module routes/tokens — `POST /v1/tokens`: a server holding an API key with the speech scope
 * mints a short-lived browser token for its own tenant (≤ 15 minutes, speech only, optionally
 * bound to a page origin and to a longest input), so page code never holds the key. A token
 * cannot mint tokens: auth refuses a token on any route but `/v1/audio/speech`.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { requireScope } from '../auth/index.ts'
import { signToken, TOKEN_MAX_TTL_S } from '../auth/token.ts'
import type { AppEnv } from '../env.ts'
import { validationHook } from './hook.ts'

const DEFAULT_TTL_S = 300

import { MAX_INPUT } from './speech-schema.ts'

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value
  } catch {
    return false
  }
}

/** The request body of `POST /v1/tokens`. */
export const TokenRequestSchema = z
  .object({
    ttl_seconds: z
      .number({ error: '`ttl_seconds` must be a whole number of seconds' })
      .int('`ttl_seconds` must be a whole number of seconds')
      .min(1, '`ttl_seconds` must be at least 1')
      .max(TOKEN_MAX_TTL_S, `\`ttl_seconds\` must be at most ${TOKEN_MAX_TTL_S} (15 minutes)`)
      .default(DEFAULT_TTL_S)
      .openapi({ example: DEFAULT_TTL_S }),
    origin: z
      .string()
      .refine(isOrigin, {
        message:
          '`origin` must be a page origin such as https://app.example (scheme, host and port; no path or trailing slash)',
      })
      .optional()
      .openapi({
        example: 'https://app.example',
        description:
          'The only page origin the token works from (checked against Origin, else Referer).',
      }),
    max_chars: z
      .number({ error: '`max_chars` must be a whole number' })
      .int('`max_chars` must be a whole number')
      .min(1, '`max_chars` must be at least 1')
      .max(MAX_INPUT, `\`max_chars\` must be at most ${MAX_INPUT}`)
      .optional()
      .openapi({ description: 'The longest `input` one request may synthesize with the token.' }),
  })
  .openapi('TokenRequest')

const TokenSchema = z
  .object({
    token: z.string(),
    token_type: z.literal('Bearer'),
    expires_at: z.string().openapi({ format: 'date-time' }),
    expires_in: z.number().openapi({ description: 'Seconds until it expires.' }),
    scopes: z.array(z.literal('speech')),
    tenant: z.string(),
    origin: z.string().optional(),
    max_chars: z.number().optional(),
  })
  .openapi('Token')

const problem = (description: string) => ({
  description,
  content: {
    'application/problem+json': {
      schema: z.object({ type: z.string(), code: z.string(), detail: z.string() }),
    },
  },
})

const tokenRoute = createRoute({
  method: 'post',
  path: '/v1/tokens',
  summary: 'Mint a short-lived browser token (speech only, at most 15 minutes)',
  description:
    'Call from your server with an API key that has the speech scope. The page then sends the token as `Authorization: Bearer <token>`, or as the `token` query parameter of `GET /v1/audio/speech` (for `<audio src>`). Never send an API key to a browser.',
  security: [{ bearer: [] }],
  request: {
    body: { required: false, content: { 'application/json': { schema: TokenRequestSchema } } },
  },
  responses: {
    201: { description: 'The token', content: { 'application/json': { schema: TokenSchema } } },
    400: problem('Invalid request'),
    401: problem('No valid API key'),
    403: problem('The key lacks the speech scope, or a browser token was sent'),
    501: problem('Tokens are not configured (secret TOKEN_KEYS)'),
  },
})

/** Token routes. */
export const tokenRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
// How `GET /v1/audio/speech` takes a token in the OpenAPI document (auth reads it, not zod).
tokenRoutes.openAPIRegistry.registerComponent('securitySchemes', 'browserToken', {
  type: 'apiKey',
  in: 'query',
  name: 'token',
  description: 'A browser token from POST /v1/tokens, on GET /v1/audio/speech only.',
})
tokenRoutes.use('/v1/tokens', requireScope('speech'))

tokenRoutes.openapi(tokenRoute, async (c) => {
  const body = c.req.valid('json')
  const principal = c.get('principal')
  const now = Math.floor(Date.now() / 1000)
  const exp = now + body.ttl_seconds
  const token = await signToken(
    c.env,
    {
      tenant: principal.tenant,
      key: principal.keyId,
      exp,
      ...(body.origin === undefined ? {} : { origin: body.origin }),
      ...(body.max_chars === undefined ? {} : { chars: body.max_chars }),
    },
    now,
  )
  c.header('cache-control', 'no-store')
  return c.json(
    {
      token,
      token_type: 'Bearer' as const,
      expires_at: new Date(exp * 1000).toISOString(),
      expires_in: body.ttl_seconds,
      scopes: ['speech' as const],
      tenant: principal.tenant,
      ...(body.origin === undefined ? {} : { origin: body.origin }),
      ...(body.max_chars === undefined ? {} : { max_chars: body.max_chars }),
    },
    201,
  )
})
