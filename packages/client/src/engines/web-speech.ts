/**
 * @module engines/web-speech — the browser's own voices (`speechSynthesis`) as a local engine:
 * the voice is chosen by locale (`ar-SA`, then any `ar-*`), rate and pitch map one to one.
 * It speaks aloud and renders no bytes, so `synthesize()` skips it and `speak()` uses it.
 */
import { AbortedError, LocalEngineError } from '../errors/index.ts'
import type { LocalEngine, LocalSpeechRequest } from '../types.ts'

const EMPTY_RETRY_MS = 10_000

/** Options of `webSpeechEngine`. */
export interface WebSpeechEngineOptions {
  /** The `speechSynthesis` to use; default the page's. */
  synthesis?: SpeechSynthesis
  /** How long to wait for the voice list to load. Default 1000 ms. */
  voicesTimeoutMs?: number
  /**
   * Resolve anyway after this long: browsers without an audio sink may never fire `end`.
   * Default max(15 s, 150 ms per character at the given speed).
   */
  maxUtteranceMs?: number
}

/**
 * A local engine over the Web Speech API; unavailable where there is none or it has no voices.
 *
 * @example
 * const client = createTtsClient({ endpoint, fallback: [webSpeechEngine(), espeakEngine()] })
 */
export function webSpeechEngine(options: WebSpeechEngineOptions = {}): LocalEngine & {
  voiceFor(locale: string): Promise<SpeechSynthesisVoice | undefined>
} {
  const synthesis = () => options.synthesis ?? globalThis.speechSynthesis
  let voices: Promise<SpeechSynthesisVoice[]> | undefined

  const loadVoices = () => {
    voices ??= new Promise<SpeechSynthesisVoice[]>((resolve) => {
      const s = synthesis()
      if (!s) return resolve([])
      const now = s.getVoices()
      if (now.length > 0) return resolve(now)
      // Chromium fills the list asynchronously and announces it once.
      const done = () => {
        clearTimeout(timer)
        s.removeEventListener?.('voiceschanged', done)
        resolve(s.getVoices())
      }
      const timer = setTimeout(done, options.voicesTimeoutMs ?? 1000)
      s.addEventListener?.('voiceschanged', done)
    }).then((list) => {
      // Voices can arrive late: ask again, but not on every call while there are none.
      if (list.length === 0) setTimeout(() => (voices = undefined), EMPTY_RETRY_MS)
      return list
    })
    return voices
  }

  // Chromium loads its voice list only when first asked, seconds later with speech-dispatcher:
  // ask now, so the list is there by the time the edge fails.
  if (synthesis()) void loadVoices()

  const voiceFor = async (locale: string) => {
    const list = await loadVoices()
    const lower = locale.toLowerCase()
    const language = lower.split('-')[0]
    return (
      list.find((v) => v.lang.toLowerCase() === lower) ??
      list.find((v) => v.lang.toLowerCase().replace('_', '-').split('-')[0] === language)
    )
  }

  return {
    name: 'web-speech',
    voiceFor,
    async isAvailable() {
      return synthesis() !== undefined && (await loadVoices()).length > 0
    },
    async speak(request: LocalSpeechRequest) {
      const s = synthesis()
      const Utterance = globalThis.SpeechSynthesisUtterance
      if (!s || !Utterance) throw new LocalEngineError('this runtime has no Web Speech API')
      if (request.signal?.aborted) throw new AbortedError()
      const voice = await voiceFor(request.locale)
      if (!voice) throw new LocalEngineError(`no device voice for ${request.locale}`)
      const utterance = new Utterance(request.text)
      utterance.voice = voice
      utterance.lang = voice.lang || request.locale
      utterance.rate = request.speed
      utterance.pitch = request.pitch
      await new Promise<void>((resolve, reject) => {
        // Headless or sink-less browsers may never fire `end`; give up well past any real length.
        const guard = setTimeout(
          () => finish(),
          options.maxUtteranceMs ?? Math.max(15_000, (request.text.length * 150) / request.speed),
        )
        const onAbort = () => {
          s.cancel()
          finish(new AbortedError())
        }
        function finish(error?: Error) {
          clearTimeout(guard)
          request.signal?.removeEventListener('abort', onAbort)
          if (error) reject(error)
          else resolve()
        }
        request.signal?.addEventListener('abort', onAbort, { once: true })
        utterance.onend = () => finish()
        utterance.onerror = (event) =>
          finish(
            event.error === 'interrupted' || event.error === 'canceled'
              ? new AbortedError()
              : new LocalEngineError(`device voice failed: ${event.error}`),
          )
        s.speak(utterance)
      })
    },
  }
}
