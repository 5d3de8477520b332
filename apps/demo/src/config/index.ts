/**
 * @module config — what the page is told at start: the edge's URL (from Vite's env, which
 * `make dev` fills in) and where it gets browser tokens (never an API key: in dev the dev server's
 * `/__tts/token`, in a build `VITE_TTS_TOKEN_URL`, the app's own token route), whether the fault switch exists (dev with an emulator),
 * and the client-side breaker's settings: in dev, 3 failures and 30 s open (so fallback and
 * recovery can be watched, where production waits five minutes), otherwise the client's
 * defaults; the query string overrides either (`?breakerThreshold=2&breakerOpenMs=5000`), and may
 * give the edge more time per attempt (`?timeoutMs=10000`, for a loaded machine).
 */

/** The page's settings. */
export interface DemoConfig {
  endpoint: string
  /** Where `getToken()` asks for a browser token (POST). */
  tokenUrl: string | undefined
  /**
   * Where the live panel reads the edge's readiness: in dev the dev server's `/__tts/readyz`
   * (upstream details, read with the dev server's admin key), else `VITE_TTS_READY_URL` or the
   * edge's own `/readyz` (ok/degraded only: the edge shows details to admin keys alone).
   */
  readyUrl: string
  /** Show the emulator fault switch. */
  faults: boolean
  breaker: { threshold?: number; openMs?: number }
  /** Per edge attempt (`?timeoutMs=`); the client's default (3000) when absent. */
  timeoutMs?: number
}

/** The env fields the page reads (Vite's `import.meta.env`). */
export interface DemoEnv {
  DEV?: boolean
  VITE_TTS_ENDPOINT?: string
  VITE_TTS_TOKEN_URL?: string
  VITE_TTS_READY_URL?: string
  VITE_TTS_EMULATOR?: string
}

const DEFAULT_ENDPOINT = 'http://127.0.0.1:8787'
const DEV_BREAKER = { threshold: 3, openMs: 30_000 }

/**
 * Reads the settings; a malformed query value is ignored (the client's default applies) rather
 * than breaking the page.
 *
 * @example
 * readDemoConfig({ VITE_TTS_ENDPOINT: 'http://127.0.0.1:8787' }, '?breakerThreshold=2')
 * // { endpoint: 'http://127.0.0.1:8787', tokenUrl: undefined,
 * //   readyUrl: 'http://127.0.0.1:8787/readyz', faults: false, breaker: { threshold: 2 } }
 */
export function readDemoConfig(env: DemoEnv, search: string): DemoConfig {
  const query = new URLSearchParams(search)
  const breaker: DemoConfig['breaker'] = env.DEV === true ? { ...DEV_BREAKER } : {}
  const threshold = positiveInteger(query.get('breakerThreshold'))
  const openMs = positiveInteger(query.get('breakerOpenMs'))
  if (threshold !== undefined) breaker.threshold = threshold
  if (openMs !== undefined) breaker.openMs = openMs
  const timeoutMs = positiveInteger(query.get('timeoutMs'))
  const endpoint = env.VITE_TTS_ENDPOINT || DEFAULT_ENDPOINT
  return {
    endpoint,
    tokenUrl: env.VITE_TTS_TOKEN_URL || (env.DEV === true ? '/__tts/token' : undefined),
    readyUrl: env.VITE_TTS_READY_URL || (env.DEV === true ? '/__tts/readyz' : `${endpoint}/readyz`),
    faults: env.DEV === true && Boolean(env.VITE_TTS_EMULATOR),
    breaker,
    ...(timeoutMs !== undefined && timeoutMs <= 60_000 ? { timeoutMs } : {}),
  }
}

function positiveInteger(raw: string | null): number | undefined {
  if (raw === null || !/^\d+$/.test(raw)) return undefined
  const n = Number(raw)
  return n >= 1 && n <= 86_400_000 ? n : undefined
}
