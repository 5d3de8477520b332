/**
 * @module node/paths — the platform's per-user cache directory. Ten lines of our own rather
 * than `env-paths`, whose default suffix and Windows "Cache" subfolder we would override anyway.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * `$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS, `%LOCALAPPDATA%` on
 * Windows; with `tts-edge` appended.
 *
 * @example
 * platformCacheDir() // '/home/ana/.cache/tts-edge'
 */
export function platformCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  const home = homedir()
  if (platform === 'darwin') return join(home, 'Library', 'Caches', 'tts-edge')
  if (platform === 'win32')
    return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'tts-edge', 'Cache')
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'tts-edge')
}
