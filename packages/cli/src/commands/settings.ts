/**
 * @module commands/settings — what most commands start with: the validated config and the API
 * key (from `TTS_API_KEY`, the keychain or the fallback file).
 */

import { normalizeOptions } from '@tts/client'
import { type CliConfig, loadConfig, parseCliConfig, requireConfig } from '../config/index.ts'
import type { CliContext } from '../context/index.ts'
import type { EdgeTarget } from '../edge-api/index.ts'
import { UserError } from '../errors/index.ts'
import type { FoundKey } from '../secrets/index.ts'

/** The config and the key of a run. */
export interface Settings {
  config: CliConfig
  key: FoundKey | undefined
}

/**
 * Loads the config (an error if damaged, or missing while `TTS_ENDPOINT` is unset) and the key.
 * With no config file, `TTS_ENDPOINT` and `TTS_API_KEY` alone are enough, for CI jobs.
 *
 * @example
 * const { config, key } = await loadSettings(ctx)
 */
export async function loadSettings(ctx: CliContext): Promise<Settings> {
  const endpoint = ctx.env.TTS_ENDPOINT?.trim()
  const config =
    endpoint && (await loadConfig(ctx.configFile)) === undefined
      ? fromEnv(endpoint)
      : await requireConfig(ctx.configFile)
  const key = await ctx.keys.get(config.keyStorage)
  return { config, key }
}

function fromEnv(endpoint: string): CliConfig {
  try {
    return parseCliConfig({ endpoint })
  } catch (error) {
    throw new UserError('invalid_option', `TTS_ENDPOINT: ${(error as Error).message}`, {
      cause: error,
    })
  }
}

/**
 * The edge target of a run.
 *
 * @example
 * await callEdge(edgeTarget(ctx, settings), 'GET', '/healthz')
 */
export function edgeTarget(ctx: CliContext, settings: Settings, apiKey?: string): EdgeTarget {
  return {
    endpoint: settings.config.endpoint,
    apiKey: apiKey ?? settings.key?.key,
    timeoutMs: settings.config.timeoutMs,
    fetch: ctx.fetch,
    logger: ctx.logger,
  }
}

/**
 * The edge voice that `auto` stands for: the SDK's default, so that `warm` and `doctor` ask for
 * exactly what `say` asks for.
 *
 * @example
 * edgeVoice(settings, 'auto') // 'alloy'
 */
export function edgeVoice(settings: Settings, voice: string): string {
  return voice === 'auto' ? normalizeOptions({ endpoint: settings.config.endpoint }).voice : voice
}
