/**
 * @module commands/keys — `tts keys create`: mints an API key and prints the entry to add to the
 * edge's `API_KEYS` secret (its SHA-256 hash, scopes, tenant). The edge stores hashes only, so
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
}

/**
 * Runs `tts keys create`.
 *
 * @example
 * const { entry } = await keysCreate(ctx, { scopes: 'speech', tenant: 'web' })
 */
export async function keysCreate(
  ctx: CliContext,
  options: {
    scopes?: string | undefined
    tenant?: string | undefined
    save?: boolean | undefined
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
