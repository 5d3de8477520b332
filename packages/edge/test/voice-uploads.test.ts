/**
 * Clone uploads (issue 18): refused by content, emptiness, size and length before any byte
 * reaches the upstream; a cap on voices per key; latents sealed in KV (older plaintext voices
 * still read, and sealed on first read).
 */
import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { call, keys, sentence, speak, synthesesOf, upstreamUrl } from './helpers.ts'

function upload(clip: Uint8Array, name: string, options: { env?: Partial<Env> } = {}) {
  const form = new FormData()
  form.append('file', new Blob([clip as BlobPart], { type: 'audio/wav' }), 'me.wav')
  form.append('name', name)
  return call('/v1/voices', { method: 'POST', body: form, key: keys.voices, ...options })
}

async function clones(): Promise<number> {
  const stats = (await (await fetch(`${upstreamUrl()}/__stats`)).json()) as {
    requests: Record<string, number>
  }
  return stats.requests['/clone_speaker'] ?? 0
}

/** A WAV header that says `seconds` of audio at a tiny byte rate (no real audio needed). */
function longWav(seconds: number): Uint8Array {
  const byteRate = 100
  const data = seconds * byteRate
  const b = new Uint8Array(44 + data)
  const v = new DataView(b.buffer)
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) b[at + i] = s.charCodeAt(i)
  }
  ascii(0, 'RIFF')
  v.setUint32(4, 36 + data, true)
  ascii(8, 'WAVE')
  ascii(12, 'fmt ')
  v.setUint32(16, 16, true)
  v.setUint16(20, 1, true)
  v.setUint16(22, 1, true)
  v.setUint32(24, byteRate, true)
  v.setUint32(28, byteRate, true)
  v.setUint16(32, 1, true)
  v.setUint16(34, 8, true)
  ascii(36, 'data')
  v.setUint32(40, data, true)
  return b
}

const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Uint8Array(4000))

async function ownerOf(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key))
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, 12)
}

async function clonedCount(): Promise<number> {
  const listed = (await call('/v1/voices', { key: keys.voices })).json<{
    voices: { kind: string }[]
  }>()
  return listed.voices.filter((v) => v.kind === 'cloned').length
}

describe('clone uploads', () => {
  it('refuses a PNG (415), an empty file (400), an oversize clip (413) and a too-long one (400) before the upstream', async () => {
    const before = await clones()
    const png = await upload(PNG, 'Png')
    expect(png.status).toBe(415)
    expect(png.json<{ code: string; detail: string }>()).toMatchObject({
      code: 'unsupported_media_type',
      detail: expect.stringMatching(/WAV, MP3, Ogg .* or FLAC/),
    })

    const empty = await upload(new Uint8Array(0), 'Empty')
    expect(empty.status).toBe(400)
    expect(empty.json<{ code: string; detail: string }>().detail).toMatch(/empty/)

    const big = await upload(longWav(60), 'Big', { env: { MAX_CLONE_BYTES: '4000' } })
    expect(big.status).toBe(413)
    expect(big.json<{ code: string }>().code).toBe('payload_too_large')

    const long = await upload(longWav(130), 'Long')
    expect(long.status).toBe(400)
    expect(long.json<{ detail: string }>().detail).toMatch(
      /lasts 130\.0 s; it must last 1 to 120 s/,
    )
    for (const a of [png, empty, big, long])
      expect(a.headers.get('content-type')).toMatch(/^application\/problem\+json/)
    expect(await clones()).toBe(before)
  })

  it('accepts a real WAV, seals its latents in KV, and caps the voices of a key (409)', async () => {
    const reference = await speak(
      { input: 'This is my voice, recorded for cloning.', response_format: 'wav' },
      { key: keys.voices },
    )
    expect(reference.status).toBe(200)
    const cap = { MAX_VOICES_PER_KEY: String((await clonedCount()) + 1) }
    const created = await upload(reference.body, 'Sealed', { env: cap })
    expect(created.status).toBe(201)
    const { id } = created.json<{ id: string }>()

    const raw = await env.INDEX.get(`voice:${await ownerOf(keys.voices)}:${id}`, 'arrayBuffer')
    expect(raw).not.toBeNull()
    const text = new TextDecoder('latin1').decode(raw as ArrayBuffer)
    expect(text).not.toMatch(/speaker_embedding|gpt_cond_latent|Sealed/)
    expect(() => JSON.parse(text)).toThrow()

    const over = await upload(reference.body, 'One too many', { env: cap })
    expect(over.status).toBe(409)
    expect(over.json<{ code: string; detail: string }>()).toMatchObject({
      code: 'too_many_voices',
      detail: expect.stringMatching(/MAX_VOICES_PER_KEY/),
    })

    // Sealed under its own KV name: the same bytes under another name do not open.
    const moved = `voice:${await ownerOf(keys.voices)}:voice_${'0'.repeat(20)}`
    await env.INDEX.put(moved, raw as ArrayBuffer, {
      metadata: { name: 'Moved', created: 1, sealed: 1 },
    })
    const refused = await speak(
      { input: sentence('Moved voice'), voice: `voice_${'0'.repeat(20)}` },
      { key: keys.voices },
    )
    expect(refused.status).toBe(400)
    expect(refused.json<{ code: string; detail: string }>().detail).toMatch(/can no longer be read/)
    await env.INDEX.delete(moved)

    const input = sentence('Spoken in a sealed voice')
    const spoken = await speak({ input, voice: id, response_format: 'wav' }, { key: keys.voices })
    expect(spoken.status).toBe(200)
    expect((await synthesesOf(input)).total).toBe(1)
    expect((await call(`/v1/voices/${id}`, { method: 'DELETE', key: keys.voices })).status).toBe(
      204,
    )
    const gone = await speak({ input, voice: id }, { key: keys.voices })
    expect(gone.status).toBe(400)
    expect(gone.json<{ code: string }>().code).toBe('unknown_voice')
  })

  it('still reads a voice stored unsealed by an older release, and seals it', async () => {
    const owner = await ownerOf(keys.voices)
    const studio = (await (await fetch(`${upstreamUrl()}/studio_speakers`)).json()) as Record<
      string,
      { speaker_embedding: number[]; gpt_cond_latent: number[][] }
    >
    const latents = Object.values(studio)[0]
    expect(latents).toBeDefined()
    const hex = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('')
    const id = `voice_${hex}`
    const name = `voice:${owner}:${id}`
    const legacy = { id, name: 'Legacy', latents, identity: hex.repeat(4), created: Date.now() }
    await env.INDEX.put(name, JSON.stringify(legacy), {
      metadata: { name: 'Legacy', created: legacy.created },
    })
    const input = sentence('Spoken in a legacy voice')
    const spoken = await speak({ input, voice: id, response_format: 'wav' }, { key: keys.voices })
    expect(spoken.status).toBe(200)
    const after = await env.INDEX.getWithMetadata<{ sealed?: number }>(name, 'arrayBuffer')
    expect(after.metadata?.sealed).toBe(1)
    expect(new TextDecoder('latin1').decode(after.value as ArrayBuffer)).not.toMatch(
      /speaker_embedding/,
    )
    await call(`/v1/voices/${id}`, { method: 'DELETE', key: keys.voices })
  })
})
