/**
 * @module commands/config — `tts config show` (the key masked to its last 4 characters, and
 * where it is kept) and `tts config set KEY VALUE` (validated with the whole config before it is
 * written; `apiKey` goes to the keychain, `-` reads the value from stdin so it stays out of the
 * shell history).
 */
import { isConfigError, parseClientConfig } from '@tts/core/config'
import { maskSecret } from '@tts/core/log'
import {
  type CliConfig,
  CONFIG_FIELDS,
  parseCliConfig,
  requireConfig,
  saveConfig,
} from '../config/index.ts'
import type { CliContext } from '../context/index.ts'
import { UserError } from '../errors/index.ts'
import { readAll } from '../io/index.ts'

/** What `tts config show` reports. */
export type ShownConfig = CliConfig & {
  configFile: string
  /** Masked, or `null` when no key is stored. */
  apiKey: string | null
  apiKeySource: string | null
}

/**
 * Runs `tts config show`.
 *
 * @example
 * const shown = await configShow(ctx) // { endpoint, ..., apiKey: '****wxyz' }
 */
export async function configShow(ctx: CliContext): Promise<ShownConfig> {
  const config = await requireConfig(ctx.configFile)
  const key = await ctx.keys.get(config.keyStorage)
  const shown: ShownConfig = {
    configFile: ctx.configFile,
    ...config,
    apiKey: key ? maskSecret(key.key) : null,
    apiKeySource: key ? key.where : null,
  }
  const { color: c } = ctx
  ctx.print(c.dim(`# ${ctx.configFile}`))
  for (const [name, value] of Object.entries(config)) ctx.print(`${name} = ${String(value)}`)
  ctx.print(
    `apiKey = ${key ? `${shown.apiKey} ${c.dim(`(${key.where})`)}` : c.yellow('(none: run `tts setup`)')}`,
  )
  return shown
}

/**
 * Runs `tts config set KEY VALUE`.
 *
 * @example
 * await configSet(ctx, 'timeoutMs', '5000')
 */
export async function configSet(
  ctx: CliContext,
  name: string,
  rawValue: string,
): Promise<{ key: string; value: string | number | boolean }> {
  const value =
    rawValue === '-' ? ((await readAll(ctx.io.stdin)).split(/\r?\n/)[0] ?? '') : rawValue
  const config = await requireConfig(ctx.configFile)
  if (name === 'apiKey') {
    try {
      parseClientConfig({ endpoint: config.endpoint, apiKey: value })
    } catch (error) {
      if (isConfigError(error)) throw new UserError('invalid_option', error.message)
      throw error
    }
    if (value.trim() === '') throw new UserError('invalid_option', 'the API key must not be empty')
    const stored = await ctx.keys.set(value.trim())
    await saveConfig(ctx.configFile, { ...config, keyStorage: stored.storage })
    const masked = maskSecret(value.trim())
    ctx.print(`apiKey = ${masked} (${stored.where})`)
    return { key: name, value: masked }
  }
  if (!CONFIG_FIELDS.includes(name)) {
    throw new UserError(
      'unknown_key',
      `\`${name}\` is not a setting; allowed: apiKey, ${CONFIG_FIELDS.join(', ')}`,
    )
  }
  let next: CliConfig
  try {
    next = parseCliConfig({ ...config, [name]: value })
  } catch (error) {
    if (isConfigError(error)) throw new UserError('invalid_option', error.message)
    throw error
  }
  await saveConfig(ctx.configFile, next)
  const saved = next[name as keyof CliConfig] as string | number | boolean
  ctx.print(`${name} = ${String(saved)}`)
  return { key: name, value: saved }
}
