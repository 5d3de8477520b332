/**
 * @module commands/clear — `tts clear`: deletes the config file and the stored API key (keychain
 * entry and fallback file) after a confirmation; `--yes` skips it, and without a terminal
 * `--yes` is required.
 */

import { deleteConfig } from '../config/index.ts'
import type { CliContext } from '../context/index.ts'
import { UserError } from '../errors/index.ts'
import * as prompts from '../prompts/index.ts'

/** What `tts clear` removed. */
export interface ClearResult {
  removed: string[]
}

/**
 * Runs `tts clear`.
 *
 * @example
 * await clear(ctx, { yes: true }) // { removed: ['/home/ana/.config/tts-edge/config.json', 'OS keychain'] }
 */
export async function clear(
  ctx: CliContext,
  options: { yes?: boolean } = {},
): Promise<ClearResult> {
  if (!options.yes) {
    if (!ctx.interactive) {
      throw new UserError(
        'confirmation_needed',
        'tts clear deletes the config and the stored API key; pass --yes to confirm without a terminal',
      )
    }
    const ok = await prompts.confirm({
      message: `Delete ${ctx.configFile} and the stored API key?`,
      initial: false,
    })
    if (!ok) throw new UserError('cancelled', 'cancelled; nothing was deleted')
  }
  const removed: string[] = []
  if (await deleteConfig(ctx.configFile)) removed.push(ctx.configFile)
  removed.push(...(await ctx.keys.delete()))
  ctx.print(removed.length ? `Removed ${removed.join(', ')}.` : 'Nothing to remove.')
  return { removed }
}
