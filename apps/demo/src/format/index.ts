/**
 * @module format — how the page words what the client reports: providers, cache verdicts,
 * durations, rates, language names. Pure functions, so the wording is tested without a browser.
 */
import type { CacheStatus, Provider } from '@tts/client'

const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  en: 'English',
  es: 'Spanish',
  fr: 'French',
  de: 'German',
  it: 'Italian',
  pt: 'Portuguese',
  pl: 'Polish',
  tr: 'Turkish',
  ru: 'Russian',
  nl: 'Dutch',
  cs: 'Czech',
  ar: 'Arabic',
  'zh-cn': 'Chinese',
  ja: 'Japanese',
  hu: 'Hungarian',
  ko: 'Korean',
  hi: 'Hindi',
}

/**
 * "French (fr)"; the bare code for a language we have no name for.
 *
 * @example
 * languageLabel('ar') // 'Arabic (ar)'
 */
export function languageLabel(code: string): string {
  const name = LANGUAGE_NAMES[code]
  return name ? `${name} (${code})` : code
}

/**
 * A detection's confidence in words: it is calibrated (answers given with ≥ 0.9 are right
 * ≥ 97 % of the time), so the words say what the number means.
 *
 * @example
 * confidenceLabel(0.97) // 'sure, 97 %'
 * confidenceLabel(0.55) // 'a guess, 55 %'
 */
export function confidenceLabel(confidence: number): string {
  const pct = `${Math.round(confidence * 100)} %`
  if (confidence >= 0.9) return `sure, ${pct}`
  if (confidence >= 0.7) return `likely, ${pct}`
  return `a guess, ${pct}`
}

/**
 * Who answered, in the words of the page: the edge, the local cache, or a device voice (with
 * the engine that spoke).
 *
 * @example
 * providerLabel('local', 'espeak') // 'device voice (espeak-ng in the browser)'
 */
export function providerLabel(provider: Provider, engine?: string): string {
  if (provider === 'edge') return 'edge'
  if (provider === 'cache') return 'local cache'
  if (engine === 'espeak') return 'device voice (espeak-ng in the browser)'
  if (engine === 'web-speech') return 'device voice (Web Speech)'
  return engine ? `device voice (${engine})` : 'device voice'
}

/**
 * The same, short enough for a table cell.
 *
 * @example
 * providerShortLabel('local', 'web-speech') // 'device: Web Speech'
 */
export function providerShortLabel(provider: Provider, engine?: string): string {
  if (provider !== 'local') return providerLabel(provider)
  if (engine === 'espeak') return 'device: espeak-ng'
  if (engine === 'web-speech') return 'device: Web Speech'
  return engine ? `device: ${engine}` : 'device'
}

/**
 * The edge's `X-TTS-Cache` header as it came (upper case), or why there is none.
 *
 * @example
 * cacheLabel('edge', 'miss') // 'MISS'
 */
export function cacheLabel(provider: Provider, status: CacheStatus): string {
  if (provider === 'edge') return status.toUpperCase()
  if (provider === 'cache') return '— (local cache)'
  return '— (device)'
}

/**
 * Milliseconds for people: "84 ms", "1.24 s"; an em dash when unknown.
 *
 * @example
 * formatMs(1240) // '1.24 s'
 */
export function formatMs(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(2)} s`
}

/**
 * A 0..1 rate as a percentage with no false precision; an em dash when nothing was counted.
 *
 * @example
 * formatRate(0.5, 4) // '50 %'
 */
export function formatRate(rate: number, count: number): string {
  if (count === 0) return '—'
  return `${Math.round(rate * 100)} %`
}

/**
 * The breaker's state as the page shows it, with what it means for the next request.
 *
 * @example
 * breakerLabel('open') // 'open — the edge is skipped, speech comes from the device'
 */
export function breakerLabel(state: string): string {
  if (state === 'closed') return 'closed — requests go to the edge'
  if (state === 'open') return 'open — the edge is skipped, speech comes from the device'
  if (state === 'half-open') return 'half-open — the next request probes the edge'
  return state
}
