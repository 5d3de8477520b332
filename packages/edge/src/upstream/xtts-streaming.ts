/**
 * @module upstream/xtts-streaming — adapter for coqui-ai/xtts-streaming-server: `/tts_stream`
 * (streamed WAV), `/tts` (a JSON string holding a base64 WAV), `/studio_speakers` (fetched
 * once per isolate and kept), `/clone_speaker`, `/languages`.
 */
import { decodeBase64 } from '@tts/core/bytes'
import { sha256Hex } from '@tts/core/crypto'
import { TtsError } from '@tts/core/errors'
import { UpstreamError } from './errors.ts'
import { type UpstreamTarget, upstreamFetch } from './http.ts'
import type { Latents, Synthesizer, UpstreamVoice, VoiceRef } from './types.ts'
import { readWavStream } from './wav-stream.ts'

const speakerCache = new Map<string, Promise<Record<string, Latents>>>()
const identityCache = new Map<string, string>()

function isLatents(value: unknown): value is Latents {
  const v = value as Partial<Latents> | null
  return !!v && Array.isArray(v.speaker_embedding) && Array.isArray(v.gpt_cond_latent)
}

// A voice's latents as JSON, written once per latents object (studio speakers are kept per
// isolate, cloned voices in the voice store's memory): ~33,000 numbers, ~670 KB of JSON that
// took ~11 ms of the pool's CPU to write for every sentence, on the path to first audio.
const latentsJson = new WeakMap<Latents, string>()

/**
 * The JSON body of a synthesis: the same bytes as `JSON.stringify` of `{text, language,
 * speaker_embedding, gpt_cond_latent, ...extra}`, with the latents part written only once.
 */
export function latentsBody(
  text: string,
  language: string,
  latents: Latents,
  extra: Record<string, unknown> = {},
): string {
  let written = latentsJson.get(latents)
  if (written === undefined) {
    const { speaker_embedding, gpt_cond_latent } = latents
    // The object's braces stripped: the fields go between the text's and the extra ones.
    written = JSON.stringify({ speaker_embedding, gpt_cond_latent }).slice(1, -1)
    latentsJson.set(latents, written)
  }
  const head = JSON.stringify({ text, language }).slice(0, -1)
  const tail = JSON.stringify(extra).slice(1)
  return `${head},${written}${tail === '}' ? '}' : `,${tail}`}`
}

/**
 * An adapter for an xtts-streaming-server at `target`.
 *
 * @example
 * const xtts = createXttsStreaming({ url: 'http://127.0.0.1:8020', apiKey: undefined }, 'xtts-v2')
 */
export function createXttsStreaming(target: UpstreamTarget, model: string): Synthesizer {
  const origin = `xtts-streaming ${new URL(target.url).host}`

  function speakers(signal: AbortSignal | undefined): Promise<Record<string, Latents>> {
    const known = speakerCache.get(target.url)
    if (known) return known
    const loading = (async () => {
      const res = await upstreamFetch(target, '/studio_speakers', { signal })
      const body = (await res.json().catch(() => null)) as Record<string, unknown> | null
      if (!body || typeof body !== 'object')
        throw new UpstreamError(
          'upstream_error',
          'the upstream /studio_speakers answer is not JSON',
        )
      return Object.fromEntries(
        Object.entries(body).filter((e): e is [string, Latents] => isLatents(e[1])),
      )
    })()
    speakerCache.set(target.url, loading)
    loading.catch(() => speakerCache.delete(target.url))
    return loading
  }

  async function latentsOf(voice: VoiceRef, signal: AbortSignal | undefined): Promise<Latents> {
    if (voice.kind === 'latents') return voice.latents
    const known = await speakers(signal)
    // Own names only: `constructor` must not find Object's.
    const latents = Object.hasOwn(known, voice.name) ? known[voice.name] : undefined
    if (!latents)
      throw new TtsError('unknown_voice', `the upstream has no speaker named "${voice.name}"`)
    return latents
  }

  return {
    adapter: 'xtts-streaming',
    model,
    // The edge time-scales instead (speech/tempo.ts), so a speed other than 1 never comes here.
    nativeSpeed: false,
    async prepare(voice, { signal }) {
      await latentsOf(voice, signal)
    },
    async synthesize(request, { signal }) {
      if (request.speed !== 1) {
        // xtts-streaming-server takes no speed; answering normal-speed audio would be a lie.
        throw new TtsError(
          'invalid_request',
          `speed ${request.speed} is not available from this upstream (xtts-streaming-server has no speed control); use 1.0`,
        )
      }
      const latents = await latentsOf(request.voice, signal)
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, signal }
      if (request.stream) {
        const res = await upstreamFetch(target, '/tts_stream', {
          ...init,
          body: latentsBody(request.text, request.language, latents, {
            add_wav_header: true,
            stream_chunk_size: '20',
          }),
        })
        if (!res.body)
          throw new UpstreamError('upstream_invalid_audio', 'the upstream answered with no body')
        return { ...(await readWavStream(res.body)), upstream: origin }
      }
      const res = await upstreamFetch(target, '/tts', {
        ...init,
        body: latentsBody(request.text, request.language, latents),
      })
      const encoded: unknown = await res.json().catch(() => null)
      if (typeof encoded !== 'string')
        throw new UpstreamError(
          'upstream_invalid_audio',
          'the upstream /tts answer is not a base64 string',
        )
      const wav = decodeBase64(encoded)
      if (!wav) {
        throw new UpstreamError(
          'upstream_invalid_audio',
          'the upstream /tts answer is not valid base64',
        )
      }
      return { ...(await readWavStream(new Blob([wav as BlobPart]).stream())), upstream: origin }
    },
    async voices({ signal }) {
      return Object.keys(await speakers(signal)).map((name): UpstreamVoice => ({ id: name, name }))
    },
    async languages({ signal }) {
      const res = await upstreamFetch(target, '/languages', { signal })
      const body: unknown = await res.json().catch(() => null)
      const list = Array.isArray(body) ? body : (body as { languages?: unknown } | null)?.languages
      if (!Array.isArray(list))
        throw new UpstreamError('upstream_error', 'the upstream /languages answer is not a list')
      return list.filter((l): l is string => typeof l === 'string')
    },
    async cloneVoice(wav, { signal }) {
      const form = new FormData()
      form.append('wav_file', new Blob([wav as BlobPart], { type: 'audio/wav' }), 'reference.wav')
      const res = await upstreamFetch(target, '/clone_speaker', {
        method: 'POST',
        body: form,
        signal,
      })
      const latents: unknown = await res.json().catch(() => null)
      if (!isLatents(latents))
        throw new UpstreamError(
          'upstream_error',
          'the upstream /clone_speaker answer has no latents',
        )
      return latents
    },
    async voiceIdentity(voice, { signal }) {
      const memo = voice.kind === 'speaker' ? `${target.url}#${voice.name}` : undefined
      const known = memo ? identityCache.get(memo) : undefined
      if (known) return known
      const latents = await latentsOf(voice, signal)
      const digest = await sha256Hex(
        JSON.stringify([latents.speaker_embedding, latents.gpt_cond_latent]),
      )
      if (memo) identityCache.set(memo, digest)
      return digest
    },
  }
}
