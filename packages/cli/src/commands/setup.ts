/**
 * @module commands/setup — `tts setup`: asks for the endpoint, the API key (hidden), timeout,
 * retries and local cache TTL, each checked with core's schema and asked again when bad; checks
 * the endpoint and key against the edge; saves the config and puts the key in the keychain.
 * Without a terminal it takes flags and env only and never prompts.
 */
import {
  clientConfigShape,
  DEFAULTS,
  isConfigError,
  parseClientConfig,
  parseEndpoint,
} from '@tts/core/config'
import { maskSecret } from '@tts/core/log'
import { type CliConfig, loadConfig, parseCliConfig, saveConfig } from '../config/index.ts'
import type { CliContext } from '../context/index.ts'
import { callEdge, describeProblem, type EdgeTarget } from '../edge-api/index.ts'
import { UserError } from '../errors/index.ts'
import { readAll } from '../io/index.ts'
import * as prompts from '../prompts/index.ts'

/** Flags of `tts setup`. */
export interface SetupOptions {
  endpoint?: string | undefined
  /** Read the API key from stdin (first line). */
  apiKeyStdin?: boolean | undefined
  timeoutMs?: string | undefined
  maxRetries?: string | undefined
  cacheTtlMs?: string | undefined
  skipCheck?: boolean | undefined
}

/** What `tts setup` did. */
export interface SetupResult {
  configFile: string
  endpoint: string
  timeoutMs: number
  maxRetries: number
  cacheTtlMs: number
  /** The key, masked to its last 4 characters. */
  apiKey: string
  keyStorage: 'keychain' | 'file'
  keyLocation: string
  checked: boolean
}

type NumberField = 'timeoutMs' | 'maxRetries' | 'cacheTtlMs'

/** A core-schema check of one field: the error sentence, or undefined when fine. */
function fieldError(field: NumberField | 'apiKey', value: string): string | undefined {
  const result = clientConfigShape[field].safeParse(value, { reportInput: true })
  if (result.success) return undefined
  try {
    parseClientConfig({ endpoint: 'https://x.invalid', [field]: value })
  } catch (error) {
    if (isConfigError(error)) return error.message
  }
  return `\`${field}\` is invalid`
}

function endpointError(value: string, debug: boolean): string | undefined {
  try {
    parseEndpoint(value, { debug })
    return undefined
  } catch (error) {
    if (isConfigError(error)) return error.message
    throw error
  }
}

function keyError(value: string): string | undefined {
  if (value.trim() === '') return 'the API key is required'
  return fieldError('apiKey', value)
}

/**
 * Asks the edge whether it answers and accepts the key: `undefined` when both hold, else the
 * problem as a sentence.
 *
 * @example
 * const problem = await checkEdge({ endpoint, apiKey, timeoutMs: 3000 })
 */
export async function checkEdge(target: EdgeTarget): Promise<string | undefined> {
  try {
    const health = await callEdge(target, 'GET', '/healthz')
    if (health.status !== 200) {
      return `the edge at ${target.endpoint} answered /healthz with ${describeProblem(health)}`
    }
    const auth = await callEdge(target, 'GET', '/v1/cache/stats')
    if (auth.status === 401) return 'the edge rejected the API key (401 unauthorized)'
    if (auth.status === 403) return undefined // a valid key without the speech scope still is one
    if (auth.status >= 400) return `the edge answered ${describeProblem(auth)}`
    return undefined
  } catch (error) {
    if (error instanceof UserError) return error.message
    throw error
  }
}

/**
 * Runs `tts setup`.
 *
 * @example
 * await setup(ctx, { endpoint: 'http://127.0.0.1:8787', skipCheck: true })
 */
export async function setup(ctx: CliContext, options: SetupOptions = {}): Promise<SetupResult> {
  let existing: CliConfig | undefined
  try {
    existing = await loadConfig(ctx.configFile)
  } catch (error) {
    if (!(error instanceof UserError)) throw error
    ctx.warn(`${error.message} — setup will replace it`)
  }
  const existingKey = await ctx.keys.get(existing?.keyStorage).catch(() => undefined)
  const interactive = ctx.interactive
  if (interactive) prompts.intro('tts setup')

  const stdinKey = options.apiKeyStdin
    ? ((await readAll(ctx.io.stdin)).split(/\r?\n/)[0] ?? '').trim()
    : undefined
  const given = {
    endpoint: options.endpoint ?? ctx.env.TTS_ENDPOINT,
    apiKey: stdinKey ?? ctx.env.TTS_API_KEY,
  }
  const missing = (what: string, how: string) =>
    new UserError(`missing_${what}`, `no ${what} given and no terminal to ask on; ${how}`)

  const number = async (field: NumberField, flag: string | undefined, label: string) => {
    const fallback = String(existing?.[field] ?? DEFAULTS[field])
    if (flag !== undefined || !interactive) {
      const value = flag ?? fallback
      const problem = fieldError(field, value)
      if (problem) throw new UserError('invalid_option', problem)
      return Number(value)
    }
    return Number(
      await prompts.ask({
        message: label,
        initial: fallback,
        validate: (v) => fieldError(field, v),
      }),
    )
  }

  let endpoint = given.endpoint?.trim()
  let apiKey = given.apiKey?.trim()
  for (;;) {
    if (endpoint === undefined || (interactive && given.endpoint === undefined)) {
      if (!interactive) {
        endpoint = existing?.endpoint
        if (!endpoint) throw missing('endpoint', 'pass --endpoint URL or set TTS_ENDPOINT')
      } else {
        endpoint = (
          await prompts.ask({
            message: 'Edge endpoint (URL)',
            initial: endpoint ?? existing?.endpoint ?? 'https://',
            validate: (v) => endpointError(v, ctx.debug),
          })
        ).trim()
      }
    }
    const badEndpoint = endpointError(endpoint, ctx.debug)
    if (badEndpoint) throw new UserError('invalid_option', badEndpoint)

    if (apiKey === undefined || (interactive && given.apiKey === undefined)) {
      if (!interactive) {
        apiKey = existingKey?.key
        if (!apiKey) {
          throw missing('API key', 'set TTS_API_KEY or pipe it to `tts setup --api-key-stdin`')
        }
      } else {
        const keep = existingKey ? ` (Enter keeps ${maskSecret(existingKey.key)})` : ''
        const typed = await prompts.askSecret({
          message: `API key${keep}`,
          validate: (v) => (existingKey && v === '' ? undefined : keyError(v)),
        })
        apiKey = typed === '' && existingKey ? existingKey.key : typed.trim()
      }
    }
    const badKey = keyError(apiKey)
    if (badKey) throw new UserError('invalid_option', badKey)

    if (options.skipCheck) break
    if (interactive) prompts.note(`Checking ${endpoint} …`)
    const problem = await checkEdge({
      endpoint: endpoint.replace(/\/+$/, ''),
      apiKey,
      timeoutMs: existing?.timeoutMs ?? DEFAULTS.timeoutMs,
      fetch: ctx.fetch,
    })
    if (!problem) {
      if (interactive) prompts.note('The edge answered and accepted the key.', 'success')
      break
    }
    if (!interactive) {
      throw new UserError(
        'check_failed',
        `${problem}; nothing was saved (pass --skip-check to save without checking)`,
      )
    }
    prompts.note(problem, 'error')
    if (!(await prompts.confirm({ message: 'Enter the endpoint and key again?', initial: true }))) {
      throw new UserError('check_failed', `${problem}; nothing was saved`)
    }
    given.endpoint = undefined
    given.apiKey = undefined
  }

  const timeoutMs = await number('timeoutMs', options.timeoutMs, 'Timeout per request (ms)')
  const maxRetries = await number('maxRetries', options.maxRetries, 'Retries')
  const cacheTtlMs = await number('cacheTtlMs', options.cacheTtlMs, 'Local cache TTL (ms)')

  const stored = await ctx.keys.set(apiKey)
  const config = parseCliConfig({
    ...(existing ?? {}),
    endpoint,
    timeoutMs,
    maxRetries,
    cacheTtlMs,
    keyStorage: stored.storage,
  })
  await saveConfig(ctx.configFile, config)
  const result: SetupResult = {
    configFile: ctx.configFile,
    endpoint: config.endpoint,
    timeoutMs,
    maxRetries,
    cacheTtlMs,
    apiKey: maskSecret(apiKey),
    keyStorage: stored.storage,
    keyLocation: stored.where,
    checked: options.skipCheck !== true,
  }
  const done = `Saved ${ctx.configFile}; API key ${result.apiKey} in ${stored.where}.`
  if (interactive) prompts.outro(done)
  else ctx.print(done)
  return result
}
