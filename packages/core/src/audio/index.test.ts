import { describe, expect, it } from 'vitest'
import * as audio from './index.ts'

describe('audio module surface', () => {
  it('exports the agreed names and the XTTS format constants', () => {
    for (const name of [
      'parseWav',
      'writeWav',
      'wavHeader',
      'toPcm16',
      'concatPcm',
      'durationMs',
      'validateAudio',
      'AudioError',
      'isAudioError',
    ]) {
      expect(typeof (audio as Record<string, unknown>)[name]).toBe('function')
    }
    expect(audio.XTTS_FORMAT).toEqual({ sampleRate: 24_000, channels: 1, encoding: 'pcm16' })
    expect([audio.XTTS_SAMPLE_RATE, audio.XTTS_CHANNELS, audio.XTTS_BITS_PER_SAMPLE]).toEqual([
      24_000, 1, 16,
    ])
  })

  it('AudioError is a TtsError with code invalid_audio', async () => {
    const { isTtsError } = await import('../errors/index.ts')
    const e = new audio.AudioError('empty', 'audio has no samples')
    expect(isTtsError(e)).toBe(true)
    expect(e.code).toBe('invalid_audio')
    expect(e.details).toEqual({ reason: 'empty' })
    expect(audio.isAudioError(new Error('x'))).toBe(false)
  })
})
