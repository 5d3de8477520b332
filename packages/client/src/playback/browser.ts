/**
 * @module playback/browser — the default `speak()` player in browsers: an `HTMLAudioElement`
 * over a blob URL (it plays WAV, MP3 and Ogg Opus natively); raw PCM gets a WAV header first.
 */
import { wavFromPcmBytes, XTTS_SAMPLE_RATE } from '@tts/core/audio'
import { AbortedError } from '../errors/index.ts'
import type { AudioPlayer } from '../options/index.ts'

/**
 * Plays audio in the page; resolves at its end, stops and rejects on abort.
 *
 * @example
 * createTtsClient({ endpoint, player: htmlAudioPlayer() })
 */
export function htmlAudioPlayer(): AudioPlayer {
  return async ({ bytes, mimeType }, signal) => {
    let body: Uint8Array = bytes
    let type = mimeType
    if (mimeType === 'audio/pcm' || mimeType === 'audio/L16') {
      body = wavFromPcmBytes({ sampleRate: XTTS_SAMPLE_RATE, channels: 1 }, bytes)
      type = 'audio/wav'
    }
    const url = URL.createObjectURL(new Blob([body as Uint8Array<ArrayBuffer>], { type }))
    const audio = new Audio(url)
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          audio.pause()
          reject(new AbortedError())
        }
        if (signal.aborted) return onAbort()
        signal.addEventListener('abort', onAbort, { once: true })
        audio.onended = () => resolve()
        audio.onerror = () => reject(new Error(`the browser could not play ${type}`))
        audio.play().catch(reject)
      })
    } finally {
      URL.revokeObjectURL(url)
    }
  }
}

/** True where `htmlAudioPlayer` can work. */
export function canPlayInPage(): boolean {
  return typeof Audio === 'function' && typeof URL.createObjectURL === 'function'
}
