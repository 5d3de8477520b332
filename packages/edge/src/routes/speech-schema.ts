/**
 * @module routes/speech-schema — the request shapes of the speech routes (zod, with their
 * OpenAPI descriptions): the body of `POST /v1/audio/speech`, its query form for `GET`, and the
 * prefetch body. Each refusal message names the field and what is allowed.
 */
import { z } from '@hono/zod-openapi'
import { SUPPORTED_FORMATS } from '../encode/index.ts'
import { MAX_INPUT, MAX_SENTENCES } from '../speech/limits.ts'
import { STREAM_FORMATS } from '../speech/sse.ts'

export { MAX_INPUT }

/** The request body of `POST /v1/audio/speech`. */
export const SpeechRequestSchema = z
  .object({
    model: z.string().max(128).optional().openapi({ example: 'tts-1' }),
    input: z
      .string({ error: '`input` is required and must be a string' })
      .min(1, '`input` must not be empty')
      .max(MAX_INPUT, `\`input\` must be at most ${MAX_INPUT} characters`)
      .openapi({
        example: 'Hello from the edge.',
        description: `At most ${MAX_INPUT} characters, as sent and after Unicode normalisation (NFC), and at most ${MAX_SENTENCES} distinct sentences.`,
      }),
    voice: z
      .string({
        error:
          '`voice` is required: an OpenAI voice name, an upstream speaker or a cloned voice id',
      })
      .min(1)
      .max(128)
      .openapi({ example: 'alloy' }),
    response_format: z
      .string()
      .default('mp3')
      .openapi({ example: 'mp3', enum: [...SUPPORTED_FORMATS] }),
    speed: z
      .number({ error: '`speed` must be a number from 0.25 to 4.0' })
      .min(0.25, '`speed` must be at least 0.25')
      .max(4, '`speed` must be at most 4.0')
      .default(1)
      .openapi({
        description:
          'Speed factor 0.25–4.0; pitch is kept. Done by the upstream where it can (SPEED_BY), else by the edge.',
      }),
    pitch: z
      .number({ error: '`pitch` must be a number from 0.5 to 2.0' })
      .min(0.5, '`pitch` must be at least 0.5')
      .max(2, '`pitch` must be at most 2.0')
      .default(1)
      .openapi({
        description:
          'Extension: pitch factor 0.5–2.0 (1.3 = 30 % higher); the duration is kept. Done by the edge.',
        example: 1,
      }),
    language: z.string().max(16).default('auto').openapi({ example: 'auto' }),
    // With `language: 'auto'`, the languages the text is likely in (the app's locale): a prior
    // for core's detector, so that the edge and the client's local fallback agree.
    language_hint: z
      .array(z.string().max(35), {
        error: '`language_hint` must be a list of language tags, e.g. ["fr-FR", "en"]',
      })
      .max(10, '`language_hint` may name at most 10 languages')
      .optional()
      .openapi({
        description:
          "Extension, with `language: 'auto'`: the languages the text is likely in (the app's locale, `navigator.languages`, or the languages it ships; BCP-47, at most 10). A prior: where the text alone is unsure (confidence under 0.9), a hinted language the text leaves plausible is spoken (the shorter the text, the further behind its favourite it may be: up to two thirds for a word or two, half up to 20 letters, a tenth up to 40, none past that), unless the text's words rule it out; a clear answer stands. The client's local detection uses the same rule.",
        example: ['fr-FR', 'en'],
      }),
    stream: z.boolean({ error: '`stream` must be true or false' }).default(false),
    // Accepted so OpenAI callers that send a style prompt are not refused; XTTS-v2 takes no
    // style prompt, so it changes nothing (and is not part of the cache key).
    instructions: z
      .string({ error: '`instructions` must be a string' })
      .max(MAX_INPUT, `\`instructions\` must be at most ${MAX_INPUT} characters`)
      .optional()
      .openapi({
        description: 'OpenAI’s style prompt. Accepted and ignored: XTTS-v2 takes no style prompt.',
      }),
    stream_format: z
      .enum(STREAM_FORMATS, {
        error: '`stream_format` must be "audio" or "sse" (OpenAI\'s streaming forms)',
      })
      .optional()
      .openapi({
        description:
          'OpenAI\'s streaming forms: "audio" streams raw audio (as `stream: true`); "sse" sends `speech.audio.delta` events with base64 audio, then `speech.audio.done`.',
      }),
  })
  .openapi('SpeechRequest')

/** `GET /v1/audio/speech`'s query: the body's fields, as strings where a URL has them. */
export const QuerySchema = SpeechRequestSchema.extend({
  speed: z.coerce
    .number()
    .min(0.25, '`speed` must be at least 0.25')
    .max(4, '`speed` must be at most 4.0')
    .default(1),
  pitch: z.coerce
    .number()
    .min(0.5, '`pitch` must be at least 0.5')
    .max(2, '`pitch` must be at most 2.0')
    .default(1),
  stream: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  // Read by auth (auth/token-request.ts), listed here for the OpenAPI document.
  token: z.string().optional().openapi({
    description:
      'A browser token from POST /v1/tokens, for `<audio src>` (which cannot send headers). API keys are never accepted here.',
  }),
})

/** One phrase of a prefetch, with its own voice, format, speed, pitch and language. */
export const PrefetchItemSchema = z.object({
  input: z.string().min(1).max(MAX_INPUT),
  voice: z.string().min(1).max(128).optional(),
  response_format: z.string().optional(),
  speed: z.number().min(0.25).max(4).optional(),
  pitch: z.number().min(0.5).max(2).optional(),
  language: z.string().max(16).optional(),
})

// `items` is the contract (each phrase with its own voice, format, speed, language); `inputs`
// with shared fields is a shorthand for a list of plain phrases. The top-level fields are the
// defaults of every item.
export const PrefetchSchema = z
  .object({
    items: z.array(PrefetchItemSchema).min(1).max(100).optional(),
    inputs: z.array(z.string().min(1).max(MAX_INPUT)).min(1).max(100).optional(),
    voice: z.string().min(1).max(128).default('alloy'),
    response_format: z.string().default('mp3'),
    speed: z.number().min(0.25).max(4).default(1),
    language: z.string().max(16).default('auto'),
  })
  .refine((b) => (b.items === undefined) !== (b.inputs === undefined), {
    message:
      'give either `items` (a list of {input, voice, language, response_format, speed}) or `inputs` (a list of strings), not both',
    path: ['items'],
  })
  .openapi('PrefetchRequest')
