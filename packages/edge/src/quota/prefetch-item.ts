/**
 * @module quota/prefetch-item — a prefetch item's dedupe id and price: a digest of what
 * decides its audio (the caller's cache scope, the normalised text, voice, language, format,
 * speed, pitch), and its normalised length in characters. Cheap on purpose: no language
 * detection or voice lookup before the item is queued.
 */
import { normalizeText } from '@tts/core/text'
import type { SpeechInput } from '../speech/prepare.ts'

/**
 * The ledger id and characters of one prefetch item.
 *
 * @example
 * await prefetchItem('tenant:acme', { input: 'Hi.', voice: 'alloy', language: 'auto', format: 'mp3', speed: 1, pitch: 1, stream: false })
 * // { id: 'prefetch:3f2a…', chars: 3 }
 */
export async function prefetchItem(
  scope: string,
  request: SpeechInput,
): Promise<{ id: string; chars: number }> {
  const text = normalizeText(request.input)
  const canonical = JSON.stringify([
    scope,
    text,
    request.voice,
    request.language,
    request.format,
    request.speed,
    request.pitch ?? 1,
  ])
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical))
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
  return { id: `prefetch:${hex}`, chars: text.length }
}
