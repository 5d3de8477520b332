/**
 * @module engines/espeak — espeak-ng as a local engine, through `@tts/espeak`, which is
 * imported only when the engine is first used: its code and 24 MB of voice data must never
 * weigh on an app whose edge answers.
 */
import { AbortedError, LocalEngineError } from '../errors/index.ts'
import type { LocalEngine } from '../types.ts'

/** Options of `espeakEngine`. */
export interface EspeakEngineOptions {
  /** Browsers: where the app serves `espeak-ng.data`. Node reads it from the package. */
  dataUrl?: string | URL
  /** Or any loader of the voice data. */
  loadData?: () => Promise<ArrayBuffer | Uint8Array>
  /** Output rate; default 24 000 Hz, XTTS's, so local audio mixes with edge audio. */
  sampleRate?: number
}

type Loaded = Awaited<ReturnType<typeof load>>

function load(options: EspeakEngineOptions) {
  return import('@tts/espeak').then((m) => {
    const create = m.createEspeakEngine as (o: object) => ReturnType<typeof m.createEspeakEngine>
    const { sampleRate: _, ...rest } = options
    return create(rest)
  })
}

/**
 * A local engine that renders WAV with espeak-ng, in Node and (offline) in browsers.
 *
 * @example
 * import { espeakEngine } from '@tts/client/espeak'
 * const client = createTtsClient({ endpoint, fallback: [webSpeechEngine(), espeakEngine({ dataUrl: '/espeak-ng.data' })] })
 */
export function espeakEngine(
  options: EspeakEngineOptions = {},
): LocalEngine & { warmUp(): Promise<void> } {
  let engine: Promise<Loaded> | undefined
  const get = () => {
    engine ??= load(options).catch((error: unknown) => {
      engine = undefined
      throw error
    })
    return engine
  }
  return {
    name: 'espeak',
    async isAvailable() {
      try {
        await get()
        return true
      } catch {
        return false
      }
    },
    async warmUp() {
      await (await get()).warmUp()
    },
    async synthesize(request) {
      if (request.signal?.aborted) throw new AbortedError()
      const e = await get()
      if (!e.supports(request.language)) {
        throw new LocalEngineError(`espeak-ng has no voice for '${request.language}'`)
      }
      const result = await e.synthesize(request.text, {
        language: request.language,
        speed: request.speed,
        pitch: request.pitch,
        sampleRate: options.sampleRate ?? 24_000,
      })
      return { audio: result.wav, mimeType: 'audio/wav', format: 'wav' }
    },
  }
}
