/**
 * @module client/checks — the per-call argument checks and the audio-duration reading the
 * client's metrics use.
 */
import { parseWav, XTTS_SAMPLE_RATE } from '@tts/core/audio'
import { InvalidRequestError } from '../errors/index.ts'
import type { AudioFormat } from '../types.ts'

/** The edge's limit, checked here so a long text fails the same way with the edge down. */
const MAX_INPUT = 4096

/**
 * The text to speak, or an `InvalidRequestError` saying what is allowed.
 *
 * @example
 * checkText('Hello') // 'Hello'
 */
export function checkText(text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new InvalidRequestError('text', 'text to speak must be a non-empty string')
  }
  if (text.length > MAX_INPUT) {
    throw new InvalidRequestError(
      'text',
      `text must be at most ${MAX_INPUT} characters, got ${text.length}`,
    )
  }
  return text
}

/**
 * `value` when it is a finite number within [min, max]; else an `InvalidRequestError`.
 *
 * @example
 * range('speed', 1.5, 0.25, 4) // 1.5
 */
export function range(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidRequestError(
      field,
      `\`${field}\` must be a number from ${min} to ${max}, got ${String(value)}`,
    )
  }
  return value
}

/**
 * Seconds of audio in `audio` (WAV header, or 24 kHz s16le PCM); 0 when it cannot tell.
 *
 * @example
 * audioSeconds(wav, 'wav') // 1.2
 */
export function audioSeconds(audio: Uint8Array, format: AudioFormat): number {
  try {
    if (format === 'wav') return parseWav(audio).durationMs / 1000
    if (format === 'pcm') return audio.byteLength / 2 / XTTS_SAMPLE_RATE
  } catch {}
  return 0
}
