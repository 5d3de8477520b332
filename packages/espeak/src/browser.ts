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

// The rest of the API is the same in both entries; `./shared.ts` names it.
export * from './shared.ts'
