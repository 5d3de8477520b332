/**
 * @module scripts/chromium — Debian's Chromium for every browser run of the repo (the client's
 * and the demo's tests, bench row 9, the pack smoke test): headless, with the flags this machine
 * needs — no sandbox (root), no background networking or component updates (no outside network
 * here), no look-ups of outside hosts, and autoplay without a gesture (nothing presses a button
 * before audio starts). One place, so a flag added for one run reaches all of them.
 */
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'

/** Where Chromium is: `CHROMIUM_PATH`, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** The flags every run gets. */
export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
])

/** True when Chromium is installed where `CHROMIUM` says. */
export function chromiumInstalled() {
  return existsSync(CHROMIUM)
}

/**
 * A persistent context in `profileDir` (a fresh directory per run), with `args` added to the
 * standard flags and any other launch option passed through.
 *
 * @example
 * const context = await launchChromium(join(dir, 'profile'), { viewport: { width: 390, height: 844 } })
 */
export function launchChromium(profileDir, { args = [], ...options } = {}) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...args],
  })
}

/**
 * A browser with a throwaway profile (Playwright makes and removes it), for runs that open
 * their own contexts.
 *
 * @example
 * const browser = await launchChromiumBrowser()
 */
export function launchChromiumBrowser({ args = [], ...options } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    ...options,
    args: [...CHROMIUM_ARGS, ...args],
  })
}
