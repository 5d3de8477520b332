/**
 * @module shared — everything both entries export besides `createEspeakEngine`, named once.
 * The package's `.` resolves to the browser entry under bundlers while its types always come
 * from the Node entry's `index.d.ts`, so the two must export the same names: one list here
 * keeps them from drifting apart.
 */
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
