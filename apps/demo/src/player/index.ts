/**
 * @module player — plays the client's audio in one `<audio>` element of the page, and reports
 * each clip's duration. Ours rather than the client's `htmlAudioPlayer()` for two reasons: an
 * element that was started by a click may keep playing later clips (browsers' autoplay rule, and
 * a first synthesis can take longer than the click's grace period), and the page shows how long
 * the audio is.
 */
import { AbortedError, type AudioPlayer } from '@tts/client'
import { parseWav, wavFromPcmBytes, writeWav, XTTS_SAMPLE_RATE } from '@tts/core/audio'

/** The player and its helpers. */
export interface ElementPlayer {
  play: AudioPlayer
  /** Call inside a click handler: plays silence so the element may play later clips. */
  unlock(): void
}

/**
 * Wraps an `<audio>` element.
 *
 * @example
 * const p = elementPlayer(document.querySelector('audio')!, ({ durationMs }) => show(durationMs))
 * createTtsClient({ endpoint, player: p.play })
 */
export function elementPlayer(
  element: HTMLAudioElement,
  onStart: (clip: { durationMs: number | undefined }) => void = () => {},
): ElementPlayer {
  let unlocked = false
  return {
    unlock() {
      if (unlocked) return
      unlocked = true
      const silence = writeWav({ sampleRate: 8000, channels: 1 }, new Int16Array(80))
      const url = URL.createObjectURL(new Blob([silence as Uint8Array<ArrayBuffer>]))
      element.src = url
      element.play().then(
        () => URL.revokeObjectURL(url),
        () => URL.revokeObjectURL(url),
      )
    },
    async play({ bytes, mimeType }, signal) {
      const { body, type } = playable(bytes, mimeType)
      const url = URL.createObjectURL(new Blob([body as Uint8Array<ArrayBuffer>], { type }))
      const known = exactDurationMs(body, type)
      try {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => {
            element.pause()
            reject(new AbortedError('stopped'))
          }
          if (signal.aborted) return onAbort()
          signal.addEventListener('abort', onAbort, { once: true })
          element.onloadedmetadata = () => {
            const fromElement = Number.isFinite(element.duration)
              ? element.duration * 1000
              : undefined
            onStart({ durationMs: known ?? fromElement })
          }
          element.onended = () => {
            signal.removeEventListener('abort', onAbort)
            resolve()
          }
          element.onerror = () => {
            signal.removeEventListener('abort', onAbort)
            reject(new Error(`the browser could not play ${type}`))
          }
          element.src = url
          element.play().catch((error: unknown) => {
            signal.removeEventListener('abort', onAbort)
            reject(error)
          })
        })
      } finally {
        element.onloadedmetadata = element.onended = element.onerror = null
        URL.revokeObjectURL(url)
      }
    },
  }
}

/** Raw PCM (24 kHz s16le mono, the edge's `pcm`) gets a WAV header so the element can play it. */
function playable(bytes: Uint8Array, mimeType: string): { body: Uint8Array; type: string } {
  if (mimeType !== 'audio/pcm' && mimeType !== 'audio/L16') return { body: bytes, type: mimeType }
  const body = wavFromPcmBytes({ sampleRate: XTTS_SAMPLE_RATE, channels: 1 }, bytes)
  return { body, type: 'audio/wav' }
}

/** WAV's duration from its header; other formats take the element's figure. */
function exactDurationMs(body: Uint8Array, type: string): number | undefined {
  if (!type.includes('wav')) return undefined
  try {
    return parseWav(body).durationMs
  } catch {
    return undefined
  }
}
