import { describe, expect, it } from 'vitest'
import { call, keys, sentence, speak, synthesesOf, upstreamUrl } from './helpers.ts'

async function referenceClip(): Promise<Uint8Array> {
  const res = await speak(
    { input: 'This is my voice, recorded for cloning.', response_format: 'wav' },
    { key: keys.voices },
  )
  expect(res.status).toBe(200)
  return res.body
}

function upload(clip: Uint8Array, name: string, key = keys.voices) {
  const form = new FormData()
  form.append('file', new Blob([clip as BlobPart], { type: 'audio/wav' }), 'me.wav')
  form.append('name', name)
  return call('/v1/voices', { method: 'POST', body: form, key })
}

describe('voices', () => {
  it('clones a voice from a clip; only its key can speak with it, list it and delete it', async () => {
    const created = await upload(await referenceClip(), 'Me')
    expect(created.status).toBe(201)
    const voice = created.json<{ id: string; name: string; kind: string }>()
    expect(voice).toMatchObject({ name: 'Me', kind: 'cloned' })
    expect(voice.id).toMatch(/^voice_[0-9a-f]{20}$/)

    const listed = (await call('/v1/voices', { key: keys.voices })).json<{
      voices: { id: string; kind: string }[]
    }>()
    expect(listed.voices).toContainEqual(expect.objectContaining({ id: voice.id, kind: 'cloned' }))
    expect(listed.voices).toContainEqual(expect.objectContaining({ id: 'alloy', kind: 'openai' }))
    expect(listed.voices).toContainEqual(
      expect.objectContaining({ id: 'Claribel Dervla', kind: 'speaker' }),
    )
    const adminList = (await call('/v1/voices', { key: keys.admin })).json<{
      voices: { id: string }[]
    }>()
    expect(adminList.voices.map((v) => v.id)).not.toContain(voice.id)

    const input = sentence('Spoken in a cloned voice')
    const spoken = await speak(
      { input, voice: voice.id, response_format: 'wav' },
      { key: keys.voices },
    )
    expect(spoken.status).toBe(200)
    expect((await synthesesOf(input)).total).toBe(1)
    const again = await speak(
      { input, voice: voice.id, response_format: 'wav' },
      { key: keys.voices },
    )
    expect(again.headers.get('x-tts-cache')).toBe('HIT')
    expect((await synthesesOf(input)).total).toBe(1)
    const stock = await speak(
      { input, voice: 'alloy', response_format: 'wav' },
      { key: keys.voices },
    )
    expect(stock.headers.get('x-tts-cache')).toBe('MISS')

    const stranger = await speak({ input, voice: voice.id }, { key: keys.admin })
    expect(stranger.status).toBe(400)
    expect(stranger.json<{ code: string }>().code).toBe('unknown_voice')

    expect(
      (await call(`/v1/voices/${voice.id}`, { method: 'DELETE', key: keys.admin })).status,
    ).toBe(404)
    expect(
      (await call(`/v1/voices/${voice.id}`, { method: 'DELETE', key: keys.voices })).status,
    ).toBe(204)
    expect(
      (await call(`/v1/voices/${voice.id}`, { method: 'DELETE', key: keys.voices })).status,
    ).toBe(404)
  })

  it('rejects an upload without a file, and needs the voices scope', async () => {
    const form = new FormData()
    form.append('name', 'nothing')
    const res = await call('/v1/voices', { method: 'POST', body: form, key: keys.voices })
    expect(res.status).toBe(400)
    expect(res.json<{ code: string }>().code).toBe('invalid_request')
    expect((await upload(new Uint8Array(100), 'x', keys.speech)).status).toBe(403)
  })

  it('checks a clip as audio before any byte reaches the upstream', async () => {
    // Only this file clones, and its tests run in order: the total cannot move under it.
    const clones = async () => {
      const stats = (await (await fetch(`${upstreamUrl()}/__stats`)).json()) as {
        requests: Record<string, number>
      }
      return stats.requests['/clone_speaker'] ?? 0
    }
    const before = await clones()
    // Named and typed as a WAV, but not one: refused by content.
    const fake = new TextEncoder().encode(`not audio ${crypto.randomUUID()}`.repeat(20))
    const notAudio = await upload(fake, 'Fake')
    expect(notAudio.status).toBe(415)
    expect(notAudio.json<{ code: string; detail: string }>()).toMatchObject({
      code: 'unsupported_media_type',
      detail: expect.stringMatching(/WAV, MP3, Ogg .* or FLAC/),
    })
    // A real WAV of a fraction of a second: too short to clone from.
    const short = await speak(
      { input: sentence('Hi'), response_format: 'wav' },
      { key: keys.voices },
    )
    const tooShort = await upload(short.body.subarray(0, 44 + 24_000), 'Short')
    expect(tooShort.status).toBe(400)
    expect(tooShort.json<{ detail: string }>().detail).toMatch(/must last 1 to 120 s/)
    expect(await clones()).toBe(before)
  })

  it('lists the languages', async () => {
    const { languages } = (await call('/v1/languages', { key: keys.speech })).json<{
      languages: string[]
    }>()
    expect(languages).toEqual(expect.arrayContaining(['auto', 'en', 'fr', 'zh-cn', 'ja', 'ar']))
    expect(languages).toHaveLength(18)
  })

  it('detects the language when asked for auto', async () => {
    const fr = await speak({
      input: 'Bonjour à tous, comment allez-vous aujourd’hui ?',
      response_format: 'pcm',
    })
    expect(fr.headers.get('x-tts-language')).toBe('fr')
    const ru = await speak({ input: 'Привет, как у тебя дела сегодня?', response_format: 'pcm' })
    expect(ru.headers.get('x-tts-language')).toBe('ru')
    const given = await speak({
      input: 'Hola, buenos días.',
      language: 'es-MX',
      response_format: 'pcm',
    })
    expect(given.headers.get('x-tts-language')).toBe('es')
  })
})
