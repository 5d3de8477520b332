/**
 * @module routes/voices — `GET /v1/voices` (upstream speakers, OpenAI names and the caller's
 * cloned voices), `POST /v1/voices` (multipart reference clip → latents, owned by the key),
 * `DELETE /v1/voices/{id}`, `GET /v1/languages`.
 */
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { type Principal, requireScope } from '../auth/index.ts'
import type { AppEnv } from '../env.ts'
import { createPooledSynthesizer, poolClient } from '../pool-client/index.ts'
import { ProblemError } from '../problem/index.ts'
import { type Settings, settingsOf } from '../settings/index.ts'
import { checkClip } from '../speech/clip.ts'
import { scopeOf } from '../speech/context.ts'
import { deleteVoice, isClonedVoiceId, listVoices, saveVoice } from '../speech/voices-store.ts'
import { validationHook } from './hook.ts'
import { AUTHED, problemResponses } from './problems.ts'

const VoiceSchema = z
  .object({ id: z.string(), name: z.string(), kind: z.enum(['openai', 'speaker', 'cloned']) })
  .openapi('Voice')

/** The upstream of a voice route: through the pool (breaker, time limit, failover, gate). */
function pooled(env: Env, settings: Settings, principal: Principal) {
  return createPooledSynthesizer(poolClient(env), scopeOf(settings.cacheTenancy, principal))
}

/** Voice and language routes. */
export const voiceRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
voiceRoutes.use('/v1/voices', requireScope('voices'))
voiceRoutes.use('/v1/voices/*', requireScope('voices'))
voiceRoutes.use('/v1/languages', requireScope('speech'))

voiceRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/voices',
    summary: 'List voices',
    security: [{ bearer: [] }],
    responses: {
      200: {
        description: 'Voices',
        content: { 'application/json': { schema: z.object({ voices: z.array(VoiceSchema) }) } },
      },
      ...problemResponses([...AUTHED, 502, 503, 504]),
    },
  }),
  async (c) => {
    const settings = settingsOf(c.env)
    const upstream = pooled(c.env, settings, c.get('principal'))
    const [speakers, cloned] = await Promise.all([
      upstream.voices({}),
      listVoices(c.env.INDEX, c.get('principal').keyId),
    ])
    const voices = [
      ...Object.entries(settings.voiceMap).map(([id, name]) => ({
        id,
        name,
        kind: 'openai' as const,
      })),
      ...speakers.map((s) => ({ id: s.id, name: s.name, kind: 'speaker' as const })),
      ...cloned.map((v) => ({ id: v.id, name: v.name, kind: 'cloned' as const })),
    ]
    return c.json({ voices }, 200)
  },
)

voiceRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/v1/voices',
    summary: 'Clone a voice from a reference clip (multipart: file, name)',
    security: [{ bearer: [] }],
    request: {
      body: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({
              file: z.any().openapi({ format: 'binary' }),
              name: z.string().max(64).optional(),
            }),
          },
        },
      },
    },
    responses: {
      201: { description: 'Created', content: { 'application/json': { schema: VoiceSchema } } },
      ...problemResponses([400, 409, 413, 415, ...AUTHED, 502, 503, 504]),
    },
  }),
  async (c) => {
    const form = c.req.valid('form') as { file?: unknown; wav_file?: unknown; name?: unknown }
    const file = form.file ?? form.wav_file
    if (!(file instanceof File)) {
      throw new ProblemError(
        'invalid_request',
        'send the reference clip as a multipart field "file" (a WAV, MP3, Ogg or FLAC file)',
      )
    }
    const settings = settingsOf(c.env)
    if (file.size === 0) {
      throw new ProblemError(
        'invalid_request',
        'the reference clip is empty; send 1 to 120 s of speech as a WAV, MP3, Ogg or FLAC file',
      )
    }
    if (file.size > settings.maxCloneBytes) {
      throw new ProblemError(
        'payload_too_large',
        `the reference clip must be at most ${settings.maxCloneBytes} bytes`,
      )
    }
    const name = typeof form.name === 'string' && form.name ? form.name : 'cloned voice'
    const clip = new Uint8Array(await file.arrayBuffer())
    // Checked here, before the pool: a GPU never sees a clip that is not audio of a sane length.
    checkClip(clip)
    const owner = c.get('principal').keyId
    const owned = (await listVoices(c.env.INDEX, owner)).length
    if (owned >= settings.maxVoicesPerKey) {
      throw new ProblemError(
        'too_many_voices',
        `this API key owns ${owned} cloned voices, the most it may (MAX_VOICES_PER_KEY = ${settings.maxVoicesPerKey}); delete one (DELETE /v1/voices/{id}) before cloning another`,
        { details: { voices: owned, maxVoices: settings.maxVoicesPerKey } },
      )
    }
    const upstream = pooled(c.env, settings, c.get('principal'))
    const latents = await upstream.cloneVoice(clip, {})
    const voice = await saveVoice(c.env, owner, name, latents)
    return c.json({ id: voice.id, name: voice.name, kind: 'cloned' as const }, 201)
  },
)

voiceRoutes.openapi(
  createRoute({
    method: 'delete',
    path: '/v1/voices/{id}',
    summary: 'Delete a cloned voice',
    security: [{ bearer: [] }],
    request: { params: z.object({ id: z.string().min(1).max(64) }) },
    responses: { 204: { description: 'Deleted' }, ...problemResponses([400, 404, ...AUTHED]) },
  }),
  async (c) => {
    const { id } = c.req.valid('param')
    if (!isClonedVoiceId(id) || !(await deleteVoice(c.env, c.get('principal').keyId, id))) {
      throw new ProblemError('not_found', `voice "${id}" does not exist for this API key`)
    }
    return c.body(null, 204)
  },
)

voiceRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/v1/languages',
    summary: 'Languages the worker speaks',
    security: [{ bearer: [] }],
    responses: {
      200: {
        description: 'Languages',
        content: { 'application/json': { schema: z.object({ languages: z.array(z.string()) }) } },
      },
      ...problemResponses(AUTHED),
    },
  }),
  async (c) => {
    const { XTTS_LANGUAGES } = await import('@tts/core/lang')
    return c.json({ languages: ['auto', ...XTTS_LANGUAGES] }, 200)
  },
)
