/**
 * @module engine — espeak-ng (the `@echogarden/espeak-ng-emscripten` wasm2js build) behind a
 * small async API. Runtime-agnostic: the 24 MB voice data comes from an injected `loadData`,
 * so Node reads it from the package and a browser fetches it from wherever the app serves it.
 *
 * Why this build: it is plain JavaScript (no WebAssembly compile, which workerd forbids for
 * run-time bytes and browsers do asynchronously) and its data file is loaded through
 * Emscripten's `getPreloadedPackage` hook, which lets us inject it; `espeak-ng` on npm is an
 * 18 MB wasm with voices embedded, so nothing could be loaded lazily.
 */
import type { EspeakModule, EspeakWorker } from '@echogarden/espeak-ng-emscripten'
import { concatSamples, writeWav } from '@tts/core/audio'
import { EspeakError, UnsupportedLanguageError } from '../errors/index.ts'
import { resamplePcm16 } from '../resample/index.ts'
import {
  ESPEAK_VOICES,
  type EspeakLanguage,
  resolveLanguage,
  SUPPORTED_LANGUAGES,
} from '../voices/index.ts'

/** espeak-ng's own output rate. */
export const ESPEAK_SAMPLE_RATE = 22_050
/** espeak-ng's default speaking rate, in words per minute, which `speed: 1` means. */
const BASE_WORDS_PER_MINUTE = 175
const MAX_TEXT_LENGTH = 100_000
const VARIANTS_DIR = '/usr/share/espeak-ng-data/voices/!v'

/** How to make an engine; only `loadData` is required here (the entry points supply one). */
export interface EspeakEngineCoreOptions {
  /** Returns the bytes of `espeak-ng.data`. Called once, on first use. */
  loadData: () => Promise<ArrayBuffer | Uint8Array>
  /** Returns the Emscripten module factory; the default imports the package lazily. */
  loadModule?: () => Promise<(args: object) => Promise<EspeakModule>>
}

/** What one synthesis is asked for. */
export interface SynthesizeOptions {
  /** An XTTS language code or a BCP-47 tag whose language is one (`fr-CA` → `fr`). */
  language: string
  /** 0.25–4.0; 1 is espeak-ng's 175 words per minute (its range ends at 80 and 450). */
  speed?: number
  /** 0–2, as the Web Speech API: 1 is espeak-ng's default pitch. */
  pitch?: number
  /** An espeak-ng voice variant (`f3`, `m2`, `klatt`, `whisper`, ...): another speaker. */
  variant?: string
  /** Output rate in Hz (8000–48000); default espeak-ng's 22,050. XTTS's is 24,000. */
  sampleRate?: number
}

/** One synthesized utterance: mono 16-bit PCM, also as a complete WAV file. */
export interface SynthesisResult {
  wav: Uint8Array
  pcm: Int16Array
  sampleRate: number
  durationMs: number
  language: EspeakLanguage
}

/** Options of the entry points' `createEspeakEngine`: where the voice data comes from. */
export interface EspeakEngineOptions {
  /** A URL of `espeak-ng.data` to fetch on first use. */
  dataUrl?: string | URL
  /** Your own loader of `espeak-ng.data`; wins over `dataUrl`. */
  loadData?: () => Promise<ArrayBuffer | Uint8Array>
  /** Returns the Emscripten module factory; the default imports the package lazily. */
  loadModule?: () => Promise<(args: object) => Promise<EspeakModule>>
}

/**
 * Fetches the voice data from a URL, failing with a typed error on an HTTP error.
 *
 * @example
 * createEspeakEngineCore({ loadData: () => fetchEspeakData('/assets/espeak-ng.data') })
 */
export async function fetchEspeakData(url: string | URL): Promise<ArrayBuffer> {
  const response = await fetch(url)
  if (!response.ok) {
    throw new EspeakError(
      'engine_unavailable',
      `espeak-ng data at ${String(url)} answered HTTP ${response.status}`,
    )
  }
  return response.arrayBuffer()
}

/**
 * Makes an engine from the entry points' options, so both entries resolve the voice data the
 * same way: the caller's `loadData`, else a fetch of `dataUrl`, else the entry's own default
 * (the Node entry reads the installed package; the browser entry has none and says so).
 *
 * @example
 * // the Node entry's default reads the installed package's data
 * createEspeakEngineFrom(options, loadNodeData)
 */
export function createEspeakEngineFrom(
  options: EspeakEngineOptions,
  loadDefaultData: () => Promise<ArrayBuffer | Uint8Array>,
): EspeakEngine {
  const { dataUrl, loadData, loadModule } = options
  return createEspeakEngineCore({
    ...(loadModule ? { loadModule } : {}),
    loadData:
      loadData ?? (dataUrl === undefined ? loadDefaultData : () => fetchEspeakData(dataUrl)),
  })
}

/** A reusable espeak-ng instance. */
export interface EspeakEngine {
  /** Speaks `text`; calls are queued, so concurrent callers are safe. */
  synthesize(text: string, options: SynthesizeOptions): Promise<SynthesisResult>
  /** The languages this engine speaks (XTTS codes). */
  languages(): readonly EspeakLanguage[]
  /** True when `language` (a code or tag) can be spoken. */
  supports(language: string): boolean
  /** Loads the module and data now instead of on the first `synthesize`. */
  warmUp(): Promise<void>
}

function defaultLoadModule(): Promise<(args: object) => Promise<EspeakModule>> {
  return import('@echogarden/espeak-ng-emscripten').then((m) => m.default)
}

function toArrayBuffer(data: ArrayBuffer | Uint8Array): ArrayBuffer {
  if (data instanceof ArrayBuffer) return data
  return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer
}

// espeak-ng reads its input as SSML; escaping keeps user text spoken as text, never markup.
function escapeMarkup(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new EspeakError(
      'invalid_request',
      `${name} must be a number from ${min} to ${max}, got ${String(value)}`,
    )
  }
}

function validate(text: string, options: SynthesizeOptions): EspeakLanguage {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new EspeakError('invalid_request', 'text must be a non-empty string')
  }
  if (text.length > MAX_TEXT_LENGTH) {
    throw new EspeakError(
      'invalid_request',
      `text must be at most ${MAX_TEXT_LENGTH} characters, got ${text.length}`,
    )
  }
  checkRange('speed', options.speed, 0.25, 4)
  checkRange('pitch', options.pitch, 0, 2)
  if (
    options.sampleRate !== undefined &&
    (!Number.isInteger(options.sampleRate) ||
      options.sampleRate < 8000 ||
      options.sampleRate > 48_000)
  ) {
    throw new EspeakError(
      'invalid_request',
      `sampleRate must be an integer from 8000 to 48000 Hz, got ${String(options.sampleRate)}`,
    )
  }
  if (options.variant !== undefined && !/^[A-Za-z0-9_-]{1,32}$/.test(options.variant)) {
    throw new EspeakError(
      'invalid_request',
      `variant must be an espeak-ng variant name such as 'f3' or 'm2', got '${options.variant}'`,
    )
  }
  const language = resolveLanguage(String(options.language ?? ''))
  if (!language) throw new UnsupportedLanguageError(String(options.language), SUPPORTED_LANGUAGES)
  return language
}

/**
 * Makes an engine over an injected data loader. Prefer `createEspeakEngine` from the package
 * root (Node) or `@tts/espeak/browser`, which supply the loader.
 *
 * @example
 * const engine = createEspeakEngineCore({ loadData: () => fetch('/espeak-ng.data').then((r) => r.arrayBuffer()) })
 * const { wav } = await engine.synthesize('Bonjour', { language: 'fr', sampleRate: 24_000 })
 */
export function createEspeakEngineCore(options: EspeakEngineCoreOptions): EspeakEngine {
  let worker: Promise<{ espeak: EspeakWorker; variants: ReadonlySet<string> }> | undefined
  // Every call runs after the previous one, so voice settings of one never leak into another.
  let queue: Promise<unknown> = Promise.resolve()

  const load = () => {
    worker ??= (async () => {
      try {
        const [factory, data] = await Promise.all([
          (options.loadModule ?? defaultLoadModule)(),
          options.loadData(),
        ])
        const buffer = toArrayBuffer(data)
        const module = await factory({
          getPreloadedPackage: () => buffer,
          print: () => {},
          printErr: () => {},
        })
        // espeak-ng silently ignores an unknown variant, so the list is read to reject one.
        const variants = new Set(
          module.FS.readdir(VARIANTS_DIR).filter((name) => !name.startsWith('.')),
        )
        return { espeak: new module.eSpeakNGWorker(), variants }
      } catch (cause) {
        worker = undefined // a later call may succeed (e.g. the network came back)
        throw new EspeakError('engine_unavailable', 'espeak-ng could not be loaded', { cause })
      }
    })()
    return worker
  }

  const run = async (text: string, synthOptions: SynthesizeOptions): Promise<SynthesisResult> => {
    const language = validate(text, synthOptions)
    const { espeak, variants } = await load()
    if (synthOptions.variant !== undefined && !variants.has(synthOptions.variant)) {
      throw new EspeakError(
        'invalid_request',
        `espeak-ng has no variant '${synthOptions.variant}'; some it has: f1-f5, m1-m8, klatt, whisper`,
      )
    }
    const voice = ESPEAK_VOICES[language] + (synthOptions.variant ? `+${synthOptions.variant}` : '')
    if (espeak.set_voice(voice) !== 0) {
      throw new EspeakError('engine_unavailable', `espeak-ng could not select its voice '${voice}'`)
    }
    espeak.set_rate(
      Math.round(Math.min(450, Math.max(80, BASE_WORDS_PER_MINUTE * (synthOptions.speed ?? 1)))),
    )
    espeak.set_pitch(Math.round(Math.min(99, 50 * (synthOptions.pitch ?? 1))))
    const chunks: Int16Array[] = []
    espeak.synthesize(escapeMarkup(text), (samples) => {
      if (samples && samples.length > 0) chunks.push(samples)
      return 0
    })
    let pcm: Int16Array = concatSamples(chunks)
    const sampleRate = synthOptions.sampleRate ?? ESPEAK_SAMPLE_RATE
    if (sampleRate !== ESPEAK_SAMPLE_RATE) pcm = resamplePcm16(pcm, ESPEAK_SAMPLE_RATE, sampleRate)
    return {
      wav: writeWav({ sampleRate, channels: 1 }, pcm),
      pcm,
      sampleRate,
      durationMs: (pcm.length / sampleRate) * 1000,
      language,
    }
  }

  return {
    synthesize(text, synthOptions) {
      const result = queue.then(() => run(text, synthOptions))
      queue = result.catch(() => {})
      return result
    },
    languages: () => SUPPORTED_LANGUAGES,
    supports: (language) => resolveLanguage(language) !== undefined,
    async warmUp() {
      await load()
    },
  }
}
