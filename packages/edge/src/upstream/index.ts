/**
 * @module upstream — picks the adapter for the configured upstream: named in config
 * (`UPSTREAM_ADAPTER`) or detected once per isolate from its `/openapi.json`.
 */
import type { Settings } from '../settings/index.ts'
import { upstreamFetch } from './http.ts'
import { createOpenAiUpstream } from './openai.ts'
import type { Synthesizer } from './types.ts'
import { createXttsStreaming } from './xtts-streaming.ts'

export { UpstreamError, type UpstreamErrorCode } from './errors.ts'
export type {
  Latents,
  SynthesisRequest,
  SynthesisResult,
  Synthesizer,
  UpstreamVoice,
  VoiceRef,
} from './types.ts'

const detected = new Map<string, Promise<'xtts-streaming' | 'openai'>>()

async function detect(
  settings: Settings,
  signal?: AbortSignal,
): Promise<'xtts-streaming' | 'openai'> {
  const target = { url: settings.upstreamUrl, apiKey: settings.upstreamApiKey }
  const res = await upstreamFetch(target, '/openapi.json', { signal })
  const spec = (await res.json().catch(() => ({}))) as {
    info?: { title?: string }
    paths?: Record<string, unknown>
  }
  const paths = Object.keys(spec.paths ?? {})
  if (paths.includes('/tts_stream') || /xtts/i.test(spec.info?.title ?? '')) return 'xtts-streaming'
  return 'openai'
}

/**
 * The synthesizer for the configured upstream.
 *
 * @example
 * const upstream = await resolveSynthesizer(settingsOf(env))
 */
export async function resolveSynthesizer(
  settings: Settings,
  signal?: AbortSignal,
): Promise<Synthesizer> {
  let adapter = settings.upstreamAdapter
  if (adapter === 'auto') {
    let pending = detected.get(settings.upstreamUrl)
    if (!pending) {
      pending = detect(settings, signal)
      detected.set(settings.upstreamUrl, pending)
      pending.catch(() => detected.delete(settings.upstreamUrl))
    }
    adapter = await pending
  }
  const target = { url: settings.upstreamUrl, apiKey: settings.upstreamApiKey }
  return adapter === 'openai'
    ? createOpenAiUpstream(target, settings.upstreamModel)
    : createXttsStreaming(target, settings.upstreamModel)
}
