import { waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { keys, openStream, readToEnd, sentence, speak, synthesesOf } from './helpers.ts'

const NO_STORE = { 'cache-control': 'no-store' }

/** Three sentences no other test asks for, and the text they make. */
function threeSentences() {
  const parts = [sentence('First of three'), sentence('The second one'), sentence('And the third')]
  return { parts, text: parts.join(' ') }
}

describe('Cache-Control: no-store', () => {
  it('streams the whole text from one upstream call and keeps nothing of it', async () => {
    const { parts, text } = threeSentences()
    const { res, ctx, reader } = await openStream(
      { input: text, response_format: 'pcm' },
      { headers: NO_STORE },
    )
    expect(res.status).toBe(200)
    expect(res.headers.get('x-tts-cache')).toBe('BYPASS')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const pcm = await readToEnd(reader)
    await waitOnExecutionContext(ctx)
    // Three sentences of speech (espeak-ng behind the emulator: well over a second each).
    expect(pcm.byteLength).toBeGreaterThan(3 * 24_000 * 2)
    // One call carried the whole text; none carried a sentence alone.
    expect((await synthesesOf(text)).total).toBe(1)
    for (const part of parts) expect((await synthesesOf(part)).total).toBe(1)

    // Nothing was kept: neither the answer nor its sentences are cached for a later caller.
    const later = await speak({ input: text, response_format: 'pcm' }, { key: keys.speech })
    expect(later.status).toBe(200)
    expect(later.headers.get('x-tts-cache')).toBe('MISS')
    for (const part of parts) expect((await synthesesOf(part)).total).toBe(2)
  })

  it('reads no cache either: a whole file of a cached text is synthesized again', async () => {
    const { text } = threeSentences()
    const first = await speak({ input: text, response_format: 'wav' }, { key: keys.speech })
    expect(first.headers.get('x-tts-cache')).toBe('MISS')
    const cached = await speak({ input: text, response_format: 'wav' }, { key: keys.speech })
    expect(cached.headers.get('x-tts-cache')).toBe('HIT')
    const before = (await synthesesOf(text)).total

    const bypass = await speak(
      { input: text, response_format: 'wav' },
      { key: keys.speech, headers: { 'cache-control': 'max-age=0, No-Store' } },
    )
    expect(bypass.status).toBe(200)
    expect(bypass.headers.get('x-tts-cache')).toBe('BYPASS')
    expect(bypass.headers.get('cache-control')).toBe('no-store')
    expect(new TextDecoder().decode(bypass.body.subarray(0, 4))).toBe('RIFF')
    expect((await synthesesOf(text)).total).toBe(before + 1)
    // As long as the answer the cache holds (a sentence missing would be a second or more),
    // give or take the emulator's 0.1 s steps of audio, one per sentence (24 kHz, 16-bit).
    expect(Math.abs(bypass.body.byteLength - cached.body.byteLength)).toBeLessThanOrEqual(
      3 * 0.1 * 24_000 * 2,
    )
  })

  it('other Cache-Control directives change nothing', async () => {
    const text = sentence('Directives other than no-store')
    const a = await speak(
      { input: text },
      { key: keys.speech, headers: { 'cache-control': 'no-cache' } },
    )
    expect(a.headers.get('x-tts-cache')).toBe('MISS')
    const b = await speak(
      { input: text },
      { key: keys.speech, headers: { 'cache-control': 'no-cache' } },
    )
    expect(b.headers.get('x-tts-cache')).toBe('HIT')
  })
})
