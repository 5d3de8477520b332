/**
 * @module config — the CLI's config file: where it lives, its schema (core's client fields less
 * the API key, which never goes in this file, plus the CLI's defaults), and loading and saving
 * it. Saving is atomic (temp file + rename) so a crash never leaves half a file; a damaged or
 * invalid file is an error that names the file and the fix, never a silent reset.
 */
import { mkdir, readFile, unlink } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { atomicWrite } from '@tts/client/node'
import {
  ConfigError,
  checkEndpointScheme,
  clientConfigShape,
  isConfigError,
  toConfigError,
} from '@tts/core/config'
import envPaths from 'env-paths'
import { z } from 'zod'
import { UserError } from '../errors/index.ts'

const { apiKey: _apiKey, ...fileFields } = clientConfigShape

/** Audio formats the CLI asks for. */
export const FORMATS = ['wav', 'mp3', 'opus', 'pcm'] as const

const cliShape = {
  ...fileFields,
  /** `auto` lets the client detect the language; any other value is an edge voice name. */
  voice: z.string().trim().min(1).max(128).default('auto'),
  format: z.enum(FORMATS).default('wav'),
  /** Where the API key went at the last save: the OS keychain or the owner-only file. */
  keyStorage: z.enum(['keychain', 'file']).optional(),
}

const cliSchema = z.strictObject(cliShape).transform(checkEndpointScheme)

/** The config as stored, defaults applied. */
export type CliConfig = z.output<typeof cliSchema>

/** The names `tts config set` accepts, besides `apiKey`. */
export const CONFIG_FIELDS = Object.keys(cliShape).filter((k) => k !== 'keyStorage')

/**
 * The config file to use: `--config PATH`, else `$TTS_CONFIG_DIR/config.json`, else
 * `config.json` in the platform's config directory (`~/.config/tts-edge` on Linux).
 *
 * @example
 * configFilePath({ env: {}, cwd: '/x' }) // '/home/ana/.config/tts-edge/config.json'
 */
export function configFilePath(options: {
  flag?: string | undefined
  env: Record<string, string | undefined>
  cwd: string
}): string {
  if (options.flag) return resolve(options.cwd, options.flag)
  const dir = options.env.TTS_CONFIG_DIR
  if (dir) return join(resolve(options.cwd, dir), 'config.json')
  return join(envPaths('tts-edge', { suffix: '' }).config, 'config.json')
}

/**
 * Validates a config object, applying defaults. Throws core's `ConfigError` naming each bad
 * field and what is allowed.
 *
 * @example
 * parseCliConfig({ endpoint: 'http://127.0.0.1:8787' }).timeoutMs // 3000
 */
export function parseCliConfig(input: unknown): CliConfig {
  if (typeof input === 'object' && input !== null && 'apiKey' in input) {
    throw new ConfigError([
      {
        field: 'apiKey',
        message:
          '`apiKey` does not belong in the config file (it lives in the OS keychain); delete that line and run `tts config set apiKey -`',
      },
    ])
  }
  const result = cliSchema.safeParse(input, { reportInput: true })
  if (!result.success) throw toConfigError(result.error.issues, Object.keys(cliShape))
  return result.data
}

/**
 * Reads and validates the config file; `undefined` when there is none yet.
 *
 * @example
 * const config = await loadConfig(file)
 * if (!config) throw new UserError('not_set_up', 'run `tts setup` first')
 */
export async function loadConfig(file: string): Promise<CliConfig | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new UserError(
      'config_unreadable',
      `cannot read the config file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)}); check its permissions`,
      { cause: error },
    )
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new UserError(
      'config_damaged',
      `the config file ${file} is not valid JSON (${(error as Error).message}); fix it by hand, or run \`tts clear --yes\` and \`tts setup\` to write a new one`,
      { cause: error },
    )
  }
  try {
    return parseCliConfig(raw)
  } catch (error) {
    if (!isConfigError(error)) throw error
    throw new UserError(
      'config_invalid',
      `the config file ${file} is invalid: ${error.message}. Fix it with \`tts config set KEY VALUE\` or by hand, or run \`tts setup\``,
      { cause: error },
    )
  }
}

/**
 * Loads the config or explains how to create one.
 *
 * @example
 * const config = await requireConfig(ctx.configFile)
 */
export async function requireConfig(file: string): Promise<CliConfig> {
  const config = await loadConfig(file)
  if (!config) {
    throw new UserError(
      'not_set_up',
      `no config at ${file}; run \`tts setup\` first (or pass --config PATH)`,
    )
  }
  return config
}

/**
 * Writes the config atomically, readable by its owner only.
 *
 * @example
 * await saveConfig(file, { ...config, timeoutMs: 5000 })
 */
export async function saveConfig(file: string, config: CliConfig): Promise<void> {
  const checked = parseCliConfig(config)
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
  await atomicWrite(file, `${JSON.stringify(checked, null, 2)}\n`, 0o600)
}

/**
 * Deletes the config file; true when there was one.
 *
 * @example
 * if (await deleteConfig(file)) console.log('removed', file)
 */
export async function deleteConfig(file: string): Promise<boolean> {
  try {
    await unlink(file)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}
