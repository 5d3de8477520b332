/**
 * @module test/chromium — Debian's Chromium for the client's browser tests, headless, with a
 * fresh profile and the flags this machine needs: no sandbox (root), no background networking
 * or component updates (no outside network here), no look-ups of outside hosts, and autoplay
 * without a gesture (the tests press no button).
 */
import { type BrowserContext, chromium } from 'playwright-core'

/** Where Chromium is: `CHROMIUM_PATH`, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/**
 * A persistent context in `profileDir`, with `args` added to the standard flags.
 *
 * @example
 * const context = await launchChromium(join(dir, 'profile'))
 */
export function launchChromium(
  profileDir: string,
  options: { args?: readonly string[]; env?: Record<string, string | undefined> } = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    ...(options.env ? { env: options.env } : {}),
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--autoplay-policy=no-user-gesture-required',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
      ...(options.args ?? []),
    ],
  })
}
