import { estimateF0, parseWav } from '@tts/core/audio'
import { describe, expect, it } from 'vitest'
import { mp3Frames, oggOpusPages } from './audio-check.ts'
import { call, sentence, speak, synthesesOf } from './helpers.ts'

const RATE = 24_000

/** A text no other test speaks (core's ≥ 64-bit nonce, through the suite's one helper). */
const text = (words: string) => sentence(words)

/** 16-bit samples of little-endian bytes. */
function samplesOf(bytes: Uint8Array): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out = new Int16Array(bytes.byteLength >> 1)
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, true)
  return out
}

/** Last granule position of an Ogg Opus file, less its pre-skip, in 24 kHz samples. */
function opusSamples(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let at = 0
  let granule = 0
  let preSkip = 0
  while (at < bytes.length) {
    const segments = bytes[at + 26] ?? 0
    let body = 0
    for (let i = 0; i < segments; i++) body += bytes[at + 27 + i] ?? 0
    if (at === 0) preSkip = view.getUint16(at + 27 + segments + 10, true)
    const g = Number(view.getBigInt64(at + 6, true))
    if (g > 0) granule = g
    at += 27 + segments + body
  }
  return (granule - preSkip) / 2
}

/** Samples of `body` in `format` (MP3 by frames: 576 each at 24 kHz, encoder delay included). */
function lengthOf(format: string, body: Uint8Array): number {
  if (format === 'wav') return parseWav(body).data.byteLength / 2
  if (format === 'pcm') return body.byteLength / 2
  if (format === 'mp3') return mp3Frames(body).frames * 576
  expect(oggOpusPages(body).eos).toBe(true)
  return opusSamples(body)
}

describe('speed and pitch with an upstream that has neither (xtts-streaming)', () => {
  for (const format of ['wav', 'pcm', 'mp3', 'opus']) {
    for (const stream of [false, true]) {
      for (const change of [{ speed: 0.55 }, { pitch: 1.3 }]) {
        const label = `${JSON.stringify(change)} ${format}${stream ? ' streamed' : ''}`
        it(`${label}: right length, the speed-1 audio reuses its synthesis, the repeat is a HIT`, async () => {
          const input = text('Change the speed of this sentence')
          const changed = await speak({ input, response_format: format, stream, ...change })
          expect(changed.status).toBe(200)
          expect(changed.headers.get('x-tts-cache')).toBe('MISS')
          expect((await synthesesOf(input)).total).toBe(1)
          // Speed 1 of the same sentence: its source audio is cached, no new synthesis.
          const plain = await speak({ input, response_format: 'pcm' })
          expect(plain.status).toBe(200)
          expect((await synthesesOf(input)).total).toBe(1)
          const source = plain.body.byteLength / 2
          const speed = 'speed' in change ? change.speed : 1
          const expected = source / speed
          const got = lengthOf(format, changed.body)
          const tolerance = 'pitch' in change ? 0.02 : 0.05
          // MP3 frames carry the encoder's delay and padding (up to ~2 frames) on top.
          const slack = format === 'mp3' ? 2 * 576 : 0
          expect(Math.abs(got - expected)).toBeLessThanOrEqual(expected * tolerance + slack)
          if ('pitch' in change && (format === 'pcm' || format === 'wav')) {
            const pcm =
              format === 'pcm' ? samplesOf(changed.body) : samplesOf(parseWav(changed.body).data)
            const f0 = estimateF0(pcm, { sampleRate: RATE }) as number
            const f1 = estimateF0(samplesOf(plain.body), { sampleRate: RATE }) as number
            expect(f0 / f1).toBeGreaterThan(1.3 * 0.93)
            expect(f0 / f1).toBeLessThan(1.3 * 1.07)
          }
          const again = await speak({ input, response_format: format, stream, ...change })
          expect(again.headers.get('x-tts-cache')).toBe('HIT')
          expect(Math.abs(lengthOf(format, again.body) - expected)).toBeLessThanOrEqual(
            expected * tolerance + slack,
          )
          expect((await synthesesOf(input)).total).toBe(1)
        })
      }
    }
  }

  it.each([0.25, 1.5, 4])(
    'speed %s from a cached speed-1 sentence: input / speed, no synthesis',
    async (speed) => {
      const input = text('A sentence heard first at normal speed')
      const plain = await speak({ input, response_format: 'pcm' })
      expect(plain.status).toBe(200)
      expect((await synthesesOf(input)).total).toBe(1)
      const fast = await speak({ input, response_format: 'pcm', speed })
      expect(fast.status).toBe(200)
      const expected = plain.body.byteLength / 2 / speed
      expect(Math.abs(fast.body.byteLength / 2 - expected)).toBeLessThanOrEqual(expected * 0.05)
      expect((await synthesesOf(input)).total).toBe(1)
    },
  )

  it('joins sentences without clicks: no sample step beyond the source audio’s own', async () => {
    const input = `${text('The first sentence ends here')} ${text('And the second one follows it')}`
    const plain = await speak({ input, response_format: 'pcm' })
    expect(plain.status).toBe(200)
    const maxStep = (pcm: Int16Array) => {
      let max = 0
      for (let i = 1; i < pcm.length; i++)
        max = Math.max(max, Math.abs((pcm[i] as number) - (pcm[i - 1] as number)))
      return max
    }
    const own = maxStep(samplesOf(plain.body))
    for (const change of [{ speed: 0.55 }, { speed: 1.5 }, { pitch: 1.3 }]) {
      const r = await speak({ input, response_format: 'pcm', stream: true, ...change })
      expect(r.status).toBe(200)
      // A pitch raised by p steepens the waveform by about p; WSOLA's overlap-add does not.
      expect(maxStep(samplesOf(r.body))).toBeLessThanOrEqual(
        own * ('pitch' in change ? 1.3 : 1) * 1.25,
      )
    }
  })

  it('documents pitch in the OpenAPI document (0.5–2, default 1)', async () => {
    const res = await call('/openapi.json', { method: 'GET', key: null })
    const doc = res.json<{
      components: {
        schemas: Record<string, { properties: Record<string, Record<string, unknown>> }>
      }
    }>()
    expect(doc.components.schemas.SpeechRequest?.properties.pitch).toMatchObject({
      type: 'number',
      minimum: 0.5,
      maximum: 2,
      default: 1,
    })
  })

  it('refuses a pitch out of range with what is allowed', async () => {
    const res = await speak({ input: text('Too high'), pitch: 3 })
    expect(res.status).toBe(400)
    expect(res.json<{ detail: string }>().detail).toMatch(/pitch.*at most 2/)
  })

  it('takes pitch as a query parameter too', async () => {
    const q = new URLSearchParams({
      input: text('Query pitch'),
      voice: 'alloy',
      pitch: '1.3',
      response_format: 'pcm',
    })
    const res = await call(`/v1/audio/speech?${q}`, { method: 'GET' })
    expect(res.status).toBe(200)
  })
})
