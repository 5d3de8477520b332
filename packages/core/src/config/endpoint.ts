/**
 * @module config/endpoint — endpoint URL rules: http(s) only, no credentials in the URL, and
 * HTTPS unless the host is loopback or debug is on (an API key must not cross a network in the
 * clear, but local development has no certificate).
 */
import { ConfigError } from './errors.ts'

/** Options of `parseEndpoint`. */
export interface EndpointOptions {
  /** Allows plain `http://` to any host. Default false. */
  debug?: boolean
  /** The field name used in error messages. Default `endpoint`. */
  field?: string
}

/** What an endpoint may be, as error messages say it. */
export const ENDPOINT_ALLOWED =
  'an absolute https:// URL (http:// only for localhost, 127.0.0.0/8 or [::1], or with debug on), without credentials, query or fragment'

/**
 * True for `localhost`, any 127.0.0.0/8 address and `::1`, in the normalised form the URL
 * parser gives (`127.1` and `0x7f000001` arrive as `127.0.0.1`).
 *
 * @example
 * isLoopbackHost(new URL('http://127.1:8020').hostname) // true
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  return (
    host === 'localhost' || host === '[::1]' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host)
  )
}

/**
 * Parses and checks an endpoint, returning it as a `URL`. Throws `ConfigError` naming the
 * field and the rule broken.
 *
 * @example
 * parseEndpoint('https://tts.example.com/') // URL https://tts.example.com/
 * parseEndpoint('http://127.0.0.1:8787') // fine: loopback
 * parseEndpoint('http://tts.example.com') // throws: HTTPS required
 * parseEndpoint('http://tts.example.com', { debug: true }) // fine
 */
export function parseEndpoint(url: string | URL, options: EndpointOptions = {}): URL {
  const field = options.field ?? 'endpoint'
  const fail = (problem: string): never => {
    throw new ConfigError([
      { field, message: `\`${field}\` ${problem}; allowed: ${ENDPOINT_ALLOWED}` },
    ])
  }
  let parsed: URL
  try {
    parsed = new URL(typeof url === 'string' ? url.trim() : url.href)
  } catch {
    return fail(
      typeof url === 'string' ? 'is not an absolute URL' : `is a ${typeof url}, not a URL`,
    )
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    fail(`uses the scheme '${parsed.protocol}'`)
  }
  if (parsed.username !== '' || parsed.password !== '') {
    fail('holds credentials (user:password@); pass the key as apiKey instead')
  }
  if (parsed.search !== '' || parsed.hash !== '') fail('has a query or fragment')
  if (parsed.protocol === 'http:' && options.debug !== true && !isLoopbackHost(parsed.hostname)) {
    fail(
      `uses http:// for the non-loopback host '${parsed.hostname}' with debug off (HTTPS required)`,
    )
  }
  return parsed
}

/**
 * The endpoint as a base string without a trailing slash, ready for `${base}/v1/...`.
 *
 * @example
 * endpointBase(new URL('https://h.example/tts/')) // 'https://h.example/tts'
 */
export function endpointBase(url: URL): string {
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}
