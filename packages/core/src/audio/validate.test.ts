import { describe, expect, it } from 'vitest'
import { type PcmAudio, XTTS_FORMAT } from './format.ts'
import { errorOf, f32, s16, tone } from './test-wav.ts'
import { DURATION_BOUNDS, plausibleDurationMs, SILENCE_PEAK, validateAudio } from './validate.ts'
import { parseWav } from './wav.ts'
import { writeWav } from './wav-write.ts'

const speech = (seconds: number, amplitude = 0.5): PcmAudio => ({
  ...XTTS_FORMAT,
  data: new Uint8Array(s16(tone(seconds, XTTS_FORMAT.sampleRate, amplitude))),
})

describe('validateAudio', () => {
  it('accepts a normal utterance and reports what it measured', () => {
    const report = validateAudio(speech(2.5), {
      text: 'The quick brown fox jumps over the lazy dog.',
      language: 'en',
    })
    expect(report.durationMs).toBeCloseTo(2500, 6)
    expect(report.frames).toBe(60_000)
    expect(report.peak).toBeGreaterThan(0.49)
    expect(report.peak).toBeLessThan(0.51)
  })

  it('accepts a WAV straight from parseWav, without text', () => {
    const wav = parseWav(writeWav(XTTS_FORMAT, new Int16Array(tone(0.3))))
    expect(validateAudio(wav).durationMs).toBeCloseTo(300, 6)
  })

  it('rejects empty audio', () => {
    const e = errorOf(() =>
      validateAudio({ ...XTTS_FORMAT, data: new Uint8Array(0) }, { text: 'Hi' }),
    )
    expect([e.code, e.reason]).toEqual(['invalid_audio', 'empty'])
  })

  it('rejects a stream cut mid-sample', () => {
    const whole = speech(1)
    const cut = { ...whole, data: whole.data.subarray(0, whole.data.byteLength - 1) }
    const e = errorOf(() => validateAudio(cut))
    expect(e.reason).toBe('partial_frame')
    expect(e.message).toMatch(/47999 bytes, not a whole number of 2-byte frames/)
  })

  it('rejects a partial stereo frame', () => {
    const stereo = {
      sampleRate: 24_000,
      channels: 2,
      encoding: 'pcm16' as const,
      data: new Uint8Array(s16([500, 500, 500])),
    }
    expect(errorOf(() => validateAudio(stereo)).reason).toBe('partial_frame')
  })

  it('rejects digital silence and near-silence, pcm16 and float', () => {
    expect(
      errorOf(() => validateAudio({ ...XTTS_FORMAT, data: new Uint8Array(48_000) })).reason,
    ).toBe('silent')
    expect(errorOf(() => validateAudio(speech(1, SILENCE_PEAK / 2))).reason).toBe('silent')
    const floatQuiet: PcmAudio = {
      sampleRate: 24_000,
      channels: 1,
      encoding: 'float32',
      data: new Uint8Array(f32([0, 0.0002, -0.0003, Number.NaN, Number.POSITIVE_INFINITY])),
    }
    expect(errorOf(() => validateAudio(floatQuiet)).reason).toBe('silent')
    // Just above the threshold is speech (quiet, but real).
    expect(validateAudio(speech(1, SILENCE_PEAK * 3)).peak).toBeGreaterThan(SILENCE_PEAK)
  })

  it('rejects audio far too short for its text, saying what was expected', () => {
    const text = 'This sentence has quite a few letters in it, so it takes seconds to say.'
    const e = errorOf(() => validateAudio(speech(0.2), { text, language: 'en' }))
    expect(e.reason).toBe('too_short')
    expect(e.message).toMatch(
      /^200 ms of audio for 72 characters of en is implausibly short; at speed 1 expected at least \d+ ms/,
    )
    expect(e.details).toMatchObject({ durationMs: 200, language: 'en' })
  })

  it('rejects audio far too long for its text (a runaway model)', () => {
    const e = errorOf(() => validateAudio(speech(12), { text: 'Hi there.' }))
    expect(e.reason).toBe('too_long')
    expect(e.message).toMatch(/implausibly long; at speed 1 expected at most 5100 ms/)
  })

  it('scales its bounds with speed', () => {
    const text = 'a'.repeat(50) // min 1000 ms at speed 1
    expect(errorOf(() => validateAudio(speech(0.6), { text })).reason).toBe('too_short')
    expect(validateAudio(speech(0.6), { text, speed: 2 }).durationMs).toBeCloseTo(600, 6)
    expect(errorOf(() => validateAudio(speech(1), { text, speed: 9 })).reason).toBe(
      'invalid_argument',
    )
  })

  it('gives CJK characters, which are syllables, wider bounds than letters', () => {
    expect(validateAudio(speech(5), { text: '你好世界', language: 'zh-cn' }).durationMs).toBe(5000)
    expect(errorOf(() => validateAudio(speech(5), { text: 'abcd' })).reason).toBe('too_long')
    expect(validateAudio(speech(0.15), { text: 'abcd' }).durationMs).toBeCloseTo(150, 6)
    expect(errorOf(() => validateAudio(speech(0.15), { text: 'こんにちは' })).reason).toBe(
      'too_short',
    )
  })

  it('skips the duration check when the text has nothing to pronounce', () => {
    expect(validateAudio(speech(0.05), { text: '… !?' }).durationMs).toBeCloseTo(50, 6)
  })
})

describe('plausibleDurationMs', () => {
  it('sums per-script bounds and adds slack to the maximum', () => {
    const { letter, cjk, digit, slackMs } = DURATION_BOUNDS
    expect(plausibleDurationMs('Hello world')).toEqual({
      minMs: 10 * letter.minMs,
      maxMs: 10 * letter.maxMs + slackMs,
    })
    expect(plausibleDurationMs('日本 7')).toEqual({
      minMs: 2 * cjk.minMs + digit.minMs,
      maxMs: 2 * cjk.maxMs + digit.maxMs + slackMs,
    })
    expect(plausibleDurationMs('  ,.;  ')).toBeUndefined()
  })

  it('covers real speaking rates with room on both sides', () => {
    // ~14 characters a second is ordinary English; 5 and 30 a second are very slow and very fast.
    const text = 'Speech synthesis turns written text into natural sounding audio.'
    const letters = text.replace(/[^\p{L}]/gu, '').length
    const bounds = plausibleDurationMs(text)
    expect(bounds).toBeDefined()
    for (const charsPerSecond of [5, 14, 30]) {
      const ms = (text.length / charsPerSecond) * 1000
      expect(ms).toBeGreaterThan(bounds?.minMs ?? Number.POSITIVE_INFINITY)
      expect(ms).toBeLessThan(bounds?.maxMs ?? 0)
    }
    expect(letters).toBeGreaterThan(40)
  })
})
