/**
 * @module engines/espeak — espeak-ng as a local engine, through `@tts/espeak`, which is
 * imported only when the engine is first used: its code and 24 MB of voice data must never
 * weigh on an app whose edge answers. `@tts/espeak` is an optional peer dependency (it is
 * GPL-3.0 and large): an app that asks for this engine without installing it gets a
 * `LocalEngineError` naming the package, not a bare module-resolution failure.
 */
import { XTTS_SAMPLE_RATE } from '@tts/core/audio'
import { AbortedError, isLocalEngineError, LocalEngineError } from '../errors/index.ts'
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

/** The optional peer dependency this engine needs. */
export const ESPEAK_PACKAGE = '@tts/espeak'

/**
 * Turns "the package is not installed" into a `LocalEngineError` that says what to install;
 * any other load failure (a broken install, a missing voice file) passes through unchanged.
 *
 * @example
 * await import('@tts/espeak').catch((e) => { throw missingPackageError(e, '@tts/espeak') })
 */
export function missingPackageError(error: unknown, name: string): unknown {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  const text = typeof message === 'string' ? message : ''
  // Node says ERR_MODULE_NOT_FOUND "Cannot find package '<name>'"; bundlers and browsers say
  // "Failed to resolve module specifier '<name>'" or similar, always quoting the specifier.
  const names = text.includes(`'${name}'`) || text.includes(`"${name}"`)
  if (!names || (code !== undefined && code !== 'ERR_MODULE_NOT_FOUND')) return error
  return new LocalEngineError(
    `espeakEngine() needs the optional package '${name}' (espeak-ng, GPL-3.0, ~24 MB of voice data), which is not installed: add it next to @tts/client (npm install ${name})`,
    { cause: error, details: { missingPackage: name } },
  )
}

function load(options: EspeakEngineOptions) {
  return import('@tts/espeak')
    .catch((error: unknown) => {
      throw missingPackageError(error, ESPEAK_PACKAGE)
    })
    .then((m) => {
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
      } catch (error) {
        // A missing package is the app's setup, not the device: say so instead of skipping.
        if (isLocalEngineError(error)) throw error
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
        sampleRate: options.sampleRate ?? XTTS_SAMPLE_RATE,
      })
      return { audio: result.wav, mimeType: 'audio/wav', format: 'wav' }
    },
  }
}
