/**
 * @module @tts/espeak/browser — the browser entry: no Node built-ins; the 24 MB voice data is
 * fetched on first use from `dataUrl` (copy `espeak-ng.data` from
 * `@echogarden/espeak-ng-emscripten` into the app's static assets) or from any `loadData`.
 */
import {
  createEspeakEngineFrom,
  type EspeakEngine,
  type EspeakEngineOptions,
} from './engine/index.ts'
import { EspeakError } from './errors/index.ts'

/**
 * An espeak-ng engine for browsers. Nothing is fetched until the first `synthesize`.
 *
 * @example
 * const engine = createEspeakEngine({ dataUrl: '/assets/espeak-ng.data' })
 * const { wav } = await engine.synthesize('Hello', { language: 'en' })
 */
export function createEspeakEngine(options: EspeakEngineOptions = {}): EspeakEngine {
  return createEspeakEngineFrom(options, () =>
    Promise.reject(
      new EspeakError(
        'engine_unavailable',
        'in a browser, createEspeakEngine needs `dataUrl` or `loadData` for espeak-ng.data',
      ),
    ),
  )
}

export {
  createEspeakEngineCore,
  ESPEAK_SAMPLE_RATE,
  type EspeakEngine,
  type EspeakEngineCoreOptions,
  type EspeakEngineOptions,
  fetchEspeakData,
  type SynthesisResult,
  type SynthesizeOptions,
} from './engine/index.ts'
export { EspeakError, UnsupportedLanguageError } from './errors/index.ts'
export { type ResampleOptions, resamplePcm16 } from './resample/index.ts'
export {
  ESPEAK_VOICES,
  type EspeakLanguage,
  resolveLanguage,
  SUPPORTED_LANGUAGES,
} from './voices/index.ts'
