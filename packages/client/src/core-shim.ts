/**
 * @module core-shim — TODO(core): stand-ins for the @tts/core pieces that have not landed yet
 * (config, metrics, log, text, retry export), with the agreed names and shapes. Each is
 * replaced by its core import as soon as it lands; nothing here is meant to stay.
 */
import { TtsError } from '@tts/core/errors'

// TODO(core): config
export const DEFAULTS = {
  timeoutMs: 3000,
  maxRetries: 3,
  cacheTtlMs: 7 * 24 * 60 * 60 * 1000,
  clientCacheMaxBytes: 100 * 1024 * 1024,
  logLevel: 'info',
} as const

export class ConfigError extends TtsError {
  readonly field: string
  constructor(field: string, message: string) {
    super('invalid_config', message, { details: { field } })
    this.name = 'ConfigError'
    this.field = field
  }
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i
export function parseEndpoint(url: string, options: { debug?: boolean } = {}): URL {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new ConfigError(
      'endpoint',
      `endpoint '${url}' is not a URL; allowed: https://host[:port][/path]`,
    )
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ConfigError(
      'endpoint',
      `endpoint must use https (or http on loopback); got ${parsed.protocol}`,
    )
  }
  if (parsed.protocol === 'http:' && !LOOPBACK.test(parsed.hostname) && !options.debug) {
    throw new ConfigError(
      'endpoint',
      'endpoint must use https unless it is loopback or debug is on',
    )
  }
  return parsed
}

// TODO(core): text
export function normalizeText(s: string): string {
  return s.normalize('NFC').replace(/\s+/g, ' ').trim()
}
