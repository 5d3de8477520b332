/**
 * @module app — the Hono application: request logging, CORS, body limit, the routes, the
 * OpenAPI document, and the one place where errors become problem+json answers.
 */
import { OpenAPIHono } from '@hono/zod-openapi'
import { isTtsError } from '@tts/core/errors'
import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import packageJson from '../package.json' with { type: 'json' }
import type { AppEnv } from './env.ts'
import { metrics, requestLogger } from './observe/index.ts'
import { callerLeft, recordClientClosed } from './observe/outcome.ts'
import { requestIdOf } from './observe/request-id.ts'
import {
  isProblemError,
  PROBLEM_STATUS,
  type ProblemCode,
  ProblemError,
  problemResponse,
} from './problem/index.ts'
import { cacheRoutes } from './routes/cache.ts'
import { healthRoutes } from './routes/health.ts'
import { validationHook } from './routes/hook.ts'
import { metaRoutes } from './routes/meta.ts'
import { speechRoutes } from './routes/speech.ts'
import { tokenRoutes } from './routes/tokens.ts'
import { voiceRoutes } from './routes/voices.ts'
import { settingsOf } from './settings/index.ts'
import { isDeadlineError } from './upstream/errors.ts'

/** The worker's HTTP application. */
export const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })

app.use('*', async (c, next) => {
  const requestId = requestIdOf(c.req.raw.headers)
  c.set('requestId', requestId)
  c.set('log', requestLogger(settingsOf(c.env).logLevel, requestId))
  await next()
  c.header('x-request-id', requestId)
})

// Each middleware below is made once per setting value, not once per request (a hit's CPU is
// what the floor comparison of issue 17 measures).
const made = new Map<string, MiddlewareHandler>()
function once(key: string, make: () => MiddlewareHandler): MiddlewareHandler {
  let handler = made.get(key)
  if (!handler) {
    handler = make()
    made.set(key, handler)
  }
  return handler
}

app.use('*', async (c, next) => {
  const origins = settingsOf(c.env).corsOrigins
  if (origins.length === 0) return next()
  return once(`cors ${origins.join(' ')}`, () => corsOf(origins))(c, next)
})

function corsOf(origins: string[]): MiddlewareHandler {
  return cors({
    origin: origins.includes('*') ? '*' : origins,
    // `cache-control`: a browser app's `no-store` request (the SDK's `store: false`) is not a
    // CORS-safelisted header, so its preflight must allow it.
    allowHeaders: [
      'authorization',
      'content-type',
      'cache-control',
      'range',
      'if-none-match',
      'x-request-id',
    ],
    exposeHeaders: [
      'x-tts-cache',
      'x-tts-language',
      'x-tts-upstream',
      'x-request-id',
      'server-timing',
      'etag',
      'content-range',
      'retry-after',
    ],
    maxAge: 600,
  })
}

app.use('*', async (c, next) => {
  const settings = settingsOf(c.env)
  const multipart = (c.req.header('content-type') ?? '').startsWith('multipart/')
  const maxSize = multipart ? settings.maxCloneBytes : settings.maxBodyBytes
  return once(`body ${maxSize}`, () => bodyLimitOf(maxSize))(c, next)
})

function bodyLimitOf(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ProblemError(
        'payload_too_large',
        `the request body must be at most ${maxSize} bytes`,
        {
          details: { maxBytes: maxSize },
        },
      )
    },
  })
}

app.route('/', healthRoutes)
app.route('/', metaRoutes)
app.route('/', speechRoutes)
app.route('/', voiceRoutes)
app.route('/', cacheRoutes)
app.route('/', tokenRoutes)

app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
  type: 'http',
  scheme: 'bearer',
})
app.doc31('/openapi.json', {
  openapi: '3.1.0',
  info: {
    title: 'tts-edge',
    version: packageJson.version,
    description:
      'OpenAI-compatible speech synthesis in front of XTTS-v2, with an encrypted edge cache.',
  },
})

function routePattern(path: string): RegExp {
  const escaped = path
    .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\\\{[^}]+\\\}|:[^/]+/g, '[^/]+')
  return new RegExp(`^${escaped.replace(/\*/g, '.*')}$`)
}

app.notFound((c) => {
  const path = c.req.path
  const methods = new Set(
    app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.includes('*') && routePattern(r.path).test(path))
      .map((r) => r.method),
  )
  if (methods.size > 0) {
    const allow = [...methods].sort().join(', ')
    throw new ProblemError(
      'method_not_allowed',
      `${c.req.method} is not allowed on ${path}; use ${allow}`,
      {
        headers: { allow },
      },
    )
  }
  throw new ProblemError(
    'not_found',
    `there is no route ${c.req.method} ${path}; see /openapi.json`,
  )
})

function toProblem(error: unknown): ProblemError {
  if (isProblemError(error)) return error
  if (error instanceof HTTPException) {
    if (error.status === 400) {
      return new ProblemError(
        'invalid_request',
        `${error.message || 'the request is malformed'}; send a JSON object`,
      )
    }
    if (error.status === 413) return new ProblemError('payload_too_large', error.message)
    if (error.status === 415) {
      return new ProblemError(
        'unsupported_media_type',
        'the request body has the wrong Content-Type; send application/json (multipart/form-data for voice clips)',
      )
    }
    if (error.status === 401)
      return new ProblemError('unauthorized', error.message || 'an API key is required')
  }
  if (isTtsError(error) && error.code in PROBLEM_STATUS) {
    const code = error.code as ProblemCode
    const retryAfterS = (error as { retryAfterS?: unknown }).retryAfterS
    return new ProblemError(code, error.message, {
      cause: error,
      ...(error.details ? { details: error.details } : {}),
      ...(typeof retryAfterS === 'number' ? { retryAfterS } : {}),
    })
  }
  // Every form a deadline or a departed caller takes (DOMException codes 20/23, workerd's
  // messages, core's TimeoutError): one 504.
  if (isDeadlineError(error)) {
    return new ProblemError('upstream_timeout', 'the upstream did not answer in time', {
      cause: error,
    })
  }
  // The text is for the log only: the caller's answer says `internal_error` and the request id.
  return new ProblemError('internal_error', String((error as Error | null)?.message ?? error), {
    cause: error,
  })
}

app.onError((error, c: Context<AppEnv>) => {
  const problem = toProblem(error)
  const log = c.get('log') ?? requestLogger('info', 'unknown')
  const speech = c.req.path.startsWith('/v1/audio/speech')
  const data = {
    code: problem.code,
    status: problem.status,
    method: c.req.method,
    path: c.req.path,
  }
  // The caller went away first (the work it left queued was dropped, so this is mostly an
  // abort's 504): nobody's failure, logged once at info as nginx's 499. The answer below
  // reaches nobody. A bug of ours (`internal_error`) stays an error whoever waits for it,
  // unless the error is the departure itself (the signal's reason, thrown before a pool call).
  const left = speech && callerLeft(c.req.raw)
  if (left && (problem.code !== 'internal_error' || error === c.req.raw.signal.reason)) {
    recordClientClosed(log, data)
    return problemResponse(problem, c.get('requestId'))
  }
  // The requests counter is about speech: a refused /metrics scrape or voice list is not a
  // failed speech request.
  if (speech) metrics.recordOutcome('error', { code: problem.code })
  // A 5xx answer says only its code and the request id: the internal text is here, in the log
  // line that carries the same request id.
  if (problem.status >= 500)
    log.error(problem.message, { ...data, cause: String((error as Error).stack ?? error) })
  else log.info(problem.message, data)
  return problemResponse(problem, c.get('requestId'))
})
