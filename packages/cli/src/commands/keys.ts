/**
 * @module commands/keys — `tts keys create`: mints an API key and prints the entry to add to the
 * edge's `API_KEYS` secret (its SHA-256 hash, scopes, tenant, and a work quota when asked for:
 * characters synthesized per minute and per day). The edge stores hashes only, so
 * this is the one moment the key is visible; under `--json` it is never printed and `--save`
 * (store it as this CLI's key) is required.
 */
import { randomBytes } from 'node:crypto'
import { sha256Hex } from '@tts/core/crypto'
import { maskSecret } from '@tts/core/log'
import { loadConfig, saveConfig } from '../config/index.ts'
import type { CliContext } from '../context/index.ts'
import { UserError } from '../errors/index.ts'

const SCOPES = ['speech', 'voices', 'admin'] as const

/** The `API_KEYS` entry of a key. */
export interface ApiKeyEntry {
  hash: string
  scopes: string[]
  tenant: string
  /** Characters the key may send to synthesis per window; absent: unlimited. */
  quota?: { charsPerMinute?: number; charsPerDay?: number }
}

/**
 * A quota flag's value: a positive whole number of characters (what the edge accepts).
 *
 * @example
 * quotaLimit('--chars-per-day', '200000') // 200000
 */
export function quotaLimit(flag: string, value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new UserError(
      'invalid_option',
      `${flag} ${value === '' ? '(no value)' : value} is invalid; allowed: a positive whole number of characters`,
    )
  }
  return n
}

/**
 * Runs `tts keys create`.
 *
 * @example
 * const { entry } = await keysCreate(ctx, { scopes: 'speech', tenant: 'web', charsPerDay: '200000' })
 */
export async function keysCreate(
  ctx: CliContext,
  options: {
    scopes?: string | undefined
    tenant?: string | undefined
    save?: boolean | undefined
    /** `--chars-per-minute`; '' when the flag came without a value. */
    charsPerMinute?: string | undefined
    /** `--chars-per-day`; '' when the flag came without a value. */
    charsPerDay?: string | undefined
  } = {},
): Promise<{ entry: ApiKeyEntry; saved: string | null; apiKey?: string }> {
  const scopes = (options.scopes ?? 'speech')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const bad = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s))
  if (bad.length || scopes.length === 0) {
    throw new UserError(
      'invalid_option',
      `unknown scope ${bad.join(', ') || '(none)'}; allowed: ${SCOPES.join(', ')}, comma-separated`,
    )
  }
  const tenant = options.tenant?.trim() || 'default'
  if (!/^[\w.-]{1,64}$/.test(tenant)) {
    throw new UserError(
      'invalid_option',
      `--tenant ${tenant} is invalid; allowed: 1 to 64 letters, digits, _ . -`,
    )
  }
  const perMinute =
    options.charsPerMinute === undefined
      ? undefined
      : quotaLimit('--chars-per-minute', options.charsPerMinute)
  const perDay =
    options.charsPerDay === undefined
      ? undefined
      : quotaLimit('--chars-per-day', options.charsPerDay)
  if (ctx.json && !options.save) {
    throw new UserError(
      'invalid_option',
      "with --json the new key is never printed; add --save to store it as this CLI's key, or drop --json to see it once",
    )
  }
  const apiKey = `tts_${randomBytes(32).toString('base64url')}`
  const entry: ApiKeyEntry = {
    // The same digest the edge computes of a presented key.
    hash: await sha256Hex(apiKey),
    scopes,
    tenant,
    ...(perMinute === undefined && perDay === undefined
      ? {}
      : {
          quota: {
            ...(perMinute === undefined ? {} : { charsPerMinute: perMinute }),
            ...(perDay === undefined ? {} : { charsPerDay: perDay }),
          },
        }),
  }
  let saved: string | null = null
  if (options.save) {
    const config = await loadConfig(ctx.configFile)
    if (!config) throw new UserError('not_set_up', 'run `tts setup` before `keys create --save`')
    const stored = await ctx.keys.set(apiKey)
    await saveConfig(ctx.configFile, { ...config, keyStorage: stored.storage })
    saved = stored.where
  }
  const { color: c } = ctx
  if (saved) ctx.print(`New API key ${maskSecret(apiKey)} stored in ${saved}.`)
  else {
    ctx.print(`New API key (shown once; the edge keeps only its hash):\n  ${c.bold(apiKey)}`)
  }
  ctx.print(
    `Add this entry to the edge's API_KEYS secret (a JSON array):\n  ${JSON.stringify(entry)}`,
  )
  return saved ? { entry, saved } : { entry, saved, apiKey }
}
