/**
 * @module upstream/openai — adapter for any OpenAI-style `/v1/audio/speech` server
 * (openedai-speech, coqui-tts ≥ 0.27). Asks for WAV so the sample rate travels with the audio.
 */

import { sha256Hex } from '@tts/core/crypto'
import { TtsError } from '@tts/core/errors'
import { UpstreamError } from './errors.ts'
import { type UpstreamTarget, upstreamFetch } from './http.ts'
import type { Synthesizer } from './types.ts'
import { readWavStream } from './wav-stream.ts'

const OPENAI_VOICES = ['alloy', 'ash', 'coral', 'echo', 'fable', 'nova', 'onyx', 'sage', 'shimmer']

/**
 * An adapter for an OpenAI-compatible speech server at `target`.
 *
 * @example
 * const upstream = createOpenAiUpstream({ url: 'http://127.0.0.1:8000', apiKey: undefined }, 'tts-1')
 */
export function createOpenAiUpstream(target: UpstreamTarget, model: string): Synthesizer {
  const origin = `openai ${new URL(target.url).host}`
  return {
    adapter: 'openai',
    model,
    nativeSpeed: true,
    async synthesize(request, { signal }) {
      if (request.voice.kind !== 'speaker') {
        throw new TtsError(
          'unknown_voice',
          'cloned voices need an xtts-streaming upstream; this one speaks the OpenAI API',
        )
      }
      const res = await upstreamFetch(target, '/v1/audio/speech', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model,
          input: request.text,
          voice: request.voice.name,
          response_format: 'wav',
          speed: request.speed,
          language: request.language,
        }),
        signal,
      })
      if (!res.body)
        throw new UpstreamError('upstream_invalid_audio', 'the upstream answered with no body')
      return { ...(await readWavStream(res.body)), upstream: origin }
    },
    async voices() {
      return OPENAI_VOICES.map((name) => ({ id: name, name }))
    },
    async languages() {
      return []
    },
    async cloneVoice() {
      throw new UpstreamError('not_implemented', 'voice cloning needs an xtts-streaming upstream')
    },
    async voiceIdentity(voice) {
      return sha256Hex(`${target.url}#${voice.kind === 'speaker' ? voice.name : voice.id}`)
    },
  }
}
