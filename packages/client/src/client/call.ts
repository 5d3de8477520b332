/**
 * @module client/call — what one call asks for, worked out once: its arguments checked, the
 * language if the writing system decides it, the edge request and the local cache key. Every
 * later step (cache, edge, local engines) works from this one shape.
 *
 * Language, when the call names none: the writing system decides it for free (Arabic, Cyrillic,
 * Kana, …); otherwise the edge is sent `language: 'auto'` and says what it chose in
 * `X-TTS-Language`. Core's n-gram model and word lists (about 800 KB gzip in a browser) are
 * loaded only when a local engine needs a language and the edge could not give one.
 */
import { cacheKey } from '@tts/core/crypto'
import { isXttsLanguage, normalizeLanguage, type XttsLanguage } from '@tts/core/lang'
import { normalizeText } from '@tts/core/text'
import type { SpeechRequest } from '../edge/index.ts'
import { InvalidRequestError } from '../errors/index.ts'
import type { NormalizedOptions } from '../options/index.ts'
import type { AudioFormat } from '../types.ts'
import { checkText, range } from './checks.ts'
import { resolveWithModel, withoutModel } from './language.ts'
import type { SynthesizeOptions } from './types.ts'

/** One call, checked. */
export interface Call {
  input: string
  speed: number
  pitch: number
  format: AudioFormat
  request: SpeechRequest
  /** The local cache key; undefined without a cache, or when the call keeps nothing. */
  key: string | undefined
  /** False when the call keeps nothing (`store: false`): no cache anywhere. */
  store: boolean
  /**
   * The language spoken: the one the call named or its script decided, else what an answer `said` (a cached entry's, the edge's
   * header) when it is an XTTS language, else core's n-gram model (loaded if need be).
   */
  language(said?: string): Promise<XttsLanguage>
}

/**
 * Checks a call's arguments (throws on bad ones, naming the field) and works out the rest.
 *
 * @example
 * const c = await prepareCall(o, 'Bonjour', { speed: 1.25 })
 * c.request // { input: 'Bonjour', language: 'auto', speed: 1.25, … }
 */
export async function prepareCall(
  o: NormalizedOptions,
  text: string,
  call: SynthesizeOptions,
): Promise<Call> {
  const input = checkText(text)
  const speed = range('speed', call.speed ?? 1, 0.25, 4)
  const pitch = range('pitch', call.pitch ?? 1, 0.5, 2)
  const format = call.format ?? o.format
  const voice = call.voice ?? 'auto'
  // Undefined: only the n-gram model could tell, so the edge decides and the model stays unloaded.
  const asked = call.language !== undefined ? normalizeLanguage(call.language) : undefined
  const hint = hintOf(o.languageHint)
  const known: XttsLanguage | undefined = asked ?? withoutModel(input, hint)
  const request: SpeechRequest = {
    input,
    voice: voice === 'auto' ? o.voice : voice,
    language: known ?? 'auto',
    ...(known === undefined && hint ? { language_hint: hint } : {}),
    response_format: format,
    speed,
    // Only when not 1: a request at pitch 1 stays what an OpenAI-style server knows.
    ...(pitch !== 1 ? { pitch } : {}),
  }
  if (call.store !== undefined && typeof call.store !== 'boolean') {
    throw new InvalidRequestError(
      'store',
      `\`store\` must be true or false (false: keep nothing of this call), got ${String(call.store)}`,
    )
  }
  const store = call.store !== false
  const key =
    o.cache && store
      ? await cacheKey({
          v: 1,
          endpoint: o.endpoint,
          tenant: o.apiKey ?? null,
          model: o.model,
          text: normalizeText(input),
          // What was asked, not what it resolved to: resolving Latin text needs the model, and
          // the edge resolves the same text to the same language, so it is the same audio.
          language: asked ?? (hint ? `auto:${hint.join(',')}` : 'auto'),
          voice: request.voice,
          format,
          speed,
          ...(pitch !== 1 ? { pitch } : {}),
        })
      : undefined
  const language = async (said?: string) =>
    known ?? (isXttsLanguage(said) ? said : await resolveWithModel(input, hint, o.logger))
  return { input, speed, pitch, format, request, key, store, language }
}

/**
 * The hint of one call: the app's (`[]`: none), else the language the page declares on its
 * `<html>` element — what a screen reader speaks the page's text in — read now, since an app
 * may switch it.
 */
function hintOf(option: readonly string[] | undefined): readonly string[] | undefined {
  if (option) return option.length > 0 ? option : undefined
  const root = (globalThis as { document?: { documentElement?: { lang?: unknown } } }).document
    ?.documentElement
  const lang = root?.lang
  return typeof lang === 'string' && lang !== '' && lang.length <= 35 ? [lang] : undefined
}
