/**
 * @module @tts/espeak — espeak-ng as a local speech engine for XTTS-v2's 17 languages. This
 * entry is for Node (it reads the voice data from the installed package); bundlers for the
 * browser pick `./browser.ts` through the `browser` export condition.
 */
import {
  createEspeakEngineFrom,
  type EspeakEngine,
  type EspeakEngineOptions,
} from './engine/index.ts'

/**
 * An espeak-ng engine. Nothing loads until the first `synthesize` (or `warmUp`).
 *
 * @example
 * const engine = createEspeakEngine()
 * const { wav, durationMs } = await engine.synthesize('Bonjour !', { language: 'fr', sampleRate: 24_000 })
 */
export function createEspeakEngine(options: EspeakEngineOptions = {}): EspeakEngine {
  // Imported lazily so the data module's Node built-ins load only when no source was given.
  return createEspeakEngineFrom(options, () =>
    import('./data/node.ts').then((m) => m.loadNodeData()),
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
