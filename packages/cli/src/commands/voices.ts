/**
 * @module commands/voices — `tts voices list|add|remove`: the voices the configured key can
 * use, cloning one from a WAV clip, deleting a cloned one. Through `@tts/client`'s
 * `createVoices`; the key needs the edge's `voices` scope.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { createVoices, isEdgeRequestError, isTtsError, type Voice, type Voices } from '@tts/client'
import type { CliContext } from '../context/index.ts'
import { UserError } from '../errors/index.ts'
import { loadSettings } from './settings.ts'

async function voicesOf(ctx: CliContext): Promise<Voices> {
  const { config, key } = await loadSettings(ctx)
  return createVoices({
    endpoint: config.endpoint,
    apiKey: key?.key,
    timeoutMs: Math.max(config.timeoutMs, 10_000),
    fetch: ctx.fetch,
  })
}

/** The client's errors as one line for the user; a missing scope gets its fix. */
async function edgeCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (error) {
    if (isEdgeRequestError(error) && error.status === 403) {
      throw new UserError(
        'voices_scope_needed',
        `${what}: the API key lacks the voices scope; mint one with \`tts keys create --scopes speech,voices\``,
        { cause: error },
      )
    }
    if (isTtsError(error))
      throw new UserError(error.code, `${what}: ${error.message}`, { cause: error })
    throw error
  }
}

/**
 * Runs `tts voices list`.
 *
 * @example
 * const { voices } = await voicesList(ctx)
 */
export async function voicesList(ctx: CliContext): Promise<{ voices: Voice[] }> {
  const api = await voicesOf(ctx)
  const voices = await edgeCall('voices list', () => api.list())
  const width = Math.max(2, ...voices.map((v) => v.id.length))
  for (const v of voices) ctx.print(`${v.id.padEnd(width)}  ${v.kind.padEnd(7)}  ${v.name}`)
  return { voices }
}

/**
 * Runs `tts voices add FILE [--name NAME]`.
 *
 * @example
 * const voice = await voicesAdd(ctx, 'me.wav', { name: 'Me' })
 */
export async function voicesAdd(
  ctx: CliContext,
  file: string,
  options: { name?: string | undefined } = {},
): Promise<Voice> {
  if (!file) throw new UserError('invalid_usage', 'usage: tts voices add FILE.wav [--name NAME]')
  const path = resolve(ctx.cwd, file)
  const clip = await readFile(path).catch((cause: unknown) => {
    throw new UserError('invalid_option', `cannot read ${path}: ${(cause as Error).message}`, {
      cause,
    })
  })
  const api = await voicesOf(ctx)
  const voice = await edgeCall('voices add', () =>
    api.clone(new Uint8Array(clip), options.name ? { name: options.name } : {}),
  )
  ctx.print(`${ctx.color.green('✓')} cloned ${voice.name} → ${voice.id} (use --voice ${voice.id})`)
  return voice
}

/**
 * Runs `tts voices remove ID`.
 *
 * @example
 * await voicesRemove(ctx, 'voice_0123456789abcdef0123')
 */
export async function voicesRemove(ctx: CliContext, id: string): Promise<{ removed: string }> {
  if (!id) throw new UserError('invalid_usage', 'usage: tts voices remove VOICE_ID')
  const api = await voicesOf(ctx)
  await edgeCall('voices remove', () => api.remove(id))
  ctx.print(`${ctx.color.green('✓')} removed ${id}`)
  return { removed: id }
}
