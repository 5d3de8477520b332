/**
 * @module config — what the page is told at start: the edge's URL and development key (from
 * Vite's env, which `make dev` fills in), whether the fault switch exists (dev with an emulator),
 * and the client-side breaker's settings, which the query string may shorten
 * (`?breakerThreshold=2&breakerOpenMs=5000`) so fallback and recovery can be shown in seconds
 * instead of the production five minutes.
 */

/** The page's settings. */
export interface DemoConfig {
  endpoint: string
  apiKey: string | undefined
  /** Show the emulator fault switch. */
  faults: boolean
  breaker: { threshold?: number; openMs?: number }
}

/** The env fields the page reads (Vite's `import.meta.env`). */
export interface DemoEnv {
  DEV?: boolean
  VITE_TTS_ENDPOINT?: string
  VITE_TTS_API_KEY?: string
  VITE_TTS_EMULATOR?: string
}

const DEFAULT_ENDPOINT = 'http://127.0.0.1:8787'

/**
 * Reads the settings; a malformed query value is ignored (the client's default applies) rather
 * than breaking the page.
 *
 * @example
 * readDemoConfig({ VITE_TTS_ENDPOINT: 'http://127.0.0.1:8787' }, '?breakerThreshold=2')
 * // { endpoint: 'http://127.0.0.1:8787', apiKey: undefined, faults: false, breaker: { threshold: 2 } }
 */
export function readDemoConfig(env: DemoEnv, search: string): DemoConfig {
  const query = new URLSearchParams(search)
  const breaker: DemoConfig['breaker'] = {}
  const threshold = positiveInteger(query.get('breakerThreshold'))
  const openMs = positiveInteger(query.get('breakerOpenMs'))
  if (threshold !== undefined) breaker.threshold = threshold
  if (openMs !== undefined) breaker.openMs = openMs
  return {
    endpoint: env.VITE_TTS_ENDPOINT || DEFAULT_ENDPOINT,
    apiKey: env.VITE_TTS_API_KEY || undefined,
    faults: env.DEV === true && Boolean(env.VITE_TTS_EMULATOR),
    breaker,
  }
}

function positiveInteger(raw: string | null): number | undefined {
  if (raw === null || !/^\d+$/.test(raw)) return undefined
  const n = Number(raw)
  return n >= 1 && n <= 86_400_000 ? n : undefined
}
