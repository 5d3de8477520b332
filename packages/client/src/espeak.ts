/**
 * @module @tts/client/espeak — espeak-ng as a local engine, a separate entry so apps that do
 * not want it never load it; even here `@tts/espeak` is imported only on first use.
 */
export { type EspeakEngineOptions, espeakEngine } from './engines/espeak.ts'
