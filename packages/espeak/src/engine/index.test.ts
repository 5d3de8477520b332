import { isTtsError } from '@tts/core/errors'
import { beforeAll, describe, expect, it } from 'vitest'
import { loadNodeData } from '../data/node.ts'
import { UnsupportedLanguageError } from '../errors/index.ts'
import { createEspeakEngineCore, createEspeakEngineFrom, type EspeakEngine } from './index.ts'

function rms(pcm: Int16Array): number {
  let sum = 0
  for (const s of pcm) sum += s * s
  return Math.sqrt(sum / Math.max(1, pcm.length))
}

// Median F0 of loud 40 ms frames by autocorrelation: espeak-ng's output is not bit-exact from
// one call to the next (it draws random noise), so voices are compared by pitch.
function medianPitchHz(pcm: Int16Array, rate: number): number {
  const frame = Math.round(rate * 0.04)
  const [minLag, maxLag] = [Math.floor(rate / 400), Math.ceil(rate / 60)]
  const pitches: number[] = []
  for (let start = 0; start + frame + maxLag < pcm.length; start += frame) {
    let energy = 0
    for (let i = start; i < start + frame; i++) energy += (pcm[i] ?? 0) ** 2
    if (Math.sqrt(energy / frame) < 1500) continue
    let [best, bestLag] = [0, 0]
    for (let lag = minLag; lag <= maxLag; lag++) {
      let sum = 0
      for (let i = start; i < start + frame; i++) sum += (pcm[i] ?? 0) * (pcm[i + lag] ?? 0)
      if (sum > best) [best, bestLag] = [sum, lag]
    }
    if (bestLag > 0 && best > energy * 0.5) pitches.push(rate / bestLag)
  }
  pitches.sort((a, b) => a - b)
  return pitches[Math.floor(pitches.length / 2)] ?? 0
}

let engine: EspeakEngine
let loads = 0

beforeAll(() => {
  engine = createEspeakEngineCore({
    loadData: async () => {
      loads++
      return loadNodeData()
    },
  })
})

describe('espeak engine', () => {
  it('loads nothing until first used, then loads once for many calls', async () => {
    expect(loads).toBe(0)
    const results = await Promise.all(
      ['one', 'two words', 'three words here'].map((text) =>
        engine.synthesize(text, { language: 'en' }),
      ),
    )
    expect(loads).toBe(1)
    // Queued, not interleaved: each result has the length its own text gives.
    expect(results[0]?.durationMs).toBeLessThan(results[2]?.durationMs ?? 0)
  })

  it('speaks: energy well above silence, longer text gives longer audio', async () => {
    const short = await engine.synthesize('Hello.', { language: 'en' })
    const long = await engine.synthesize(
      'Hello. This sentence is quite a lot longer than the first one.',
      {
        language: 'en',
      },
    )
    expect(short.sampleRate).toBe(22_050)
    expect(rms(short.pcm)).toBeGreaterThan(500)
    expect(long.durationMs).toBeGreaterThan(short.durationMs * 3)
    expect(long.durationMs).toBeCloseTo((long.pcm.length / 22_050) * 1000, 5)
  })

  it('speaks French and Arabic', async () => {
    const fr = await engine.synthesize('Bonjour tout le monde, comment allez-vous ?', {
      language: 'fr',
    })
    const ar = await engine.synthesize('مرحبا بالعالم، كيف حالك اليوم؟', { language: 'ar' })
    for (const result of [fr, ar]) {
      expect(result.durationMs).toBeGreaterThan(1000)
      expect(rms(result.pcm)).toBeGreaterThan(500)
    }
    expect(fr.language).toBe('fr')
    expect(ar.language).toBe('ar')
  })

  it('speaks every one of its languages', async () => {
    for (const language of engine.languages()) {
      const result = await engine.synthesize('123', { language })
      expect(result.durationMs, language).toBeGreaterThan(200)
    }
    expect(engine.languages()).toHaveLength(17)
  })

  it('speed changes duration', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.'
    const normal = await engine.synthesize(text, { language: 'en' })
    const fast = await engine.synthesize(text, { language: 'en', speed: 2 })
    const slow = await engine.synthesize(text, { language: 'en', speed: 0.5 })
    expect(fast.durationMs).toBeLessThan(normal.durationMs * 0.7)
    expect(slow.durationMs).toBeGreaterThan(normal.durationMs * 1.4)
  })

  it('writes a 24 kHz mono 16-bit WAV header when asked for 24,000 Hz', async () => {
    const result = await engine.synthesize('Testing the header.', {
      language: 'en',
      sampleRate: 24_000,
    })
    const view = new DataView(result.wav.buffer, result.wav.byteOffset, result.wav.byteLength)
    const ascii = (at: number) => String.fromCharCode(...result.wav.subarray(at, at + 4))
    expect(ascii(0)).toBe('RIFF')
    expect(ascii(8)).toBe('WAVE')
    expect(view.getUint32(4, true)).toBe(result.wav.byteLength - 8)
    expect(view.getUint16(20, true)).toBe(1) // PCM
    expect(view.getUint16(22, true)).toBe(1) // mono
    expect(view.getUint32(24, true)).toBe(24_000)
    expect(view.getUint32(28, true)).toBe(48_000) // byte rate
    expect(view.getUint16(34, true)).toBe(16)
    expect(view.getUint32(40, true)).toBe(result.pcm.length * 2)
    expect(result.wav.byteLength).toBe(44 + result.pcm.length * 2)
    expect(view.getInt16(44 + 2000, true)).toBe(result.pcm[1000])
    // Same speech at 22,050 Hz lasts as long: the resampler changes rate, not duration.
    const native = await engine.synthesize('Testing the header.', { language: 'en' })
    expect(Math.abs(result.durationMs - native.durationMs)).toBeLessThan(1)
  })

  it('speaks markup characters as text instead of obeying them as SSML', async () => {
    const plain = await engine.synthesize('one two', { language: 'en' })
    const pause = await engine.synthesize('one <break time="3s"/> two', { language: 'en' })
    expect(pause.durationMs).toBeLessThan(plain.durationMs + 3000)
  })

  it('variants and pitch change the voice', async () => {
    const text = 'Which voice is this? I wonder, really.'
    const base = await engine.synthesize(text, { language: 'en' })
    const again = await engine.synthesize(text, { language: 'en' })
    const higher = await engine.synthesize(text, { language: 'en', pitch: 1.6 })
    const female = await engine.synthesize(text, { language: 'en', variant: 'f1', pitch: 1.3 })
    const f0 = medianPitchHz(base.pcm, base.sampleRate)
    expect(f0).toBeGreaterThan(60)
    expect(Math.abs(medianPitchHz(again.pcm, again.sampleRate) - f0)).toBeLessThan(f0 * 0.1)
    expect(medianPitchHz(higher.pcm, higher.sampleRate)).toBeGreaterThan(f0 * 1.2)
    expect(medianPitchHz(female.pcm, female.sampleRate)).toBeGreaterThan(f0 * 1.4)
  })

  it('rejects an unsupported language with a typed error naming the supported ones', async () => {
    const error = await engine.synthesize('hi', { language: 'xx' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnsupportedLanguageError)
    expect(isTtsError(error) && error.code).toBe('unsupported_language')
    expect(String((error as Error).message)).toMatch(/en, es, fr, de.*zh-cn.*hi/)
    expect(engine.supports('fr-CA')).toBe(true)
    expect(engine.supports('sw')).toBe(false)
  })

  it('rejects bad options with a message that says what is allowed', async () => {
    await expect(engine.synthesize('', { language: 'en' })).rejects.toThrow(/non-empty/)
    await expect(engine.synthesize('x', { language: 'en', speed: 9 })).rejects.toThrow(
      /speed must be a number from 0.25 to 4/,
    )
    await expect(engine.synthesize('x', { language: 'en', sampleRate: 100 })).rejects.toThrow(
      /sampleRate/,
    )
    await expect(engine.synthesize('x', { language: 'en', variant: 'nope' })).rejects.toThrow(
      /no variant 'nope'/,
    )
    // A failed call does not break the queue for the next one.
    await expect(engine.synthesize('still fine', { language: 'en' })).resolves.toBeDefined()
  })

  it('reports a data load failure as engine_unavailable and retries on the next call', async () => {
    let calls = 0
    const flaky = createEspeakEngineCore({
      loadData: async () => {
        calls++
        if (calls === 1) throw new Error('offline')
        return loadNodeData()
      },
    })
    await expect(flaky.synthesize('x', { language: 'en' })).rejects.toMatchObject({
      code: 'engine_unavailable',
    })
    await expect(flaky.synthesize('back', { language: 'en' })).resolves.toMatchObject({
      language: 'en',
    })
  })

  it('createEspeakEngineFrom: loadData wins over dataUrl; the default serves only when neither is given', async () => {
    const used: string[] = []
    const fallback = async () => {
      used.push('default')
      return loadNodeData()
    }
    const own = async () => {
      used.push('own')
      return loadNodeData()
    }
    const fromOwn = createEspeakEngineFrom({ loadData: own, dataUrl: 'data:,never' }, fallback)
    await expect(fromOwn.synthesize('one', { language: 'en' })).resolves.toBeDefined()
    expect(used).toEqual(['own'])
    // dataUrl is fetched (and this one is no voice data), so the default is not consulted.
    const fromUrl = createEspeakEngineFrom({ dataUrl: 'data:text/plain,nothing' }, fallback)
    await expect(fromUrl.synthesize('two', { language: 'en' })).rejects.toMatchObject({
      code: 'engine_unavailable',
    })
    expect(used).toEqual(['own'])
    const fromDefault = createEspeakEngineFrom({}, fallback)
    await expect(fromDefault.synthesize('three', { language: 'en' })).resolves.toBeDefined()
    expect(used).toEqual(['own', 'default'])
  })
})
