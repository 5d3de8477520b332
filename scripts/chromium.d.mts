import type { Browser, BrowserContext, LaunchOptions } from 'playwright-core'

type PersistentOptions = NonNullable<
  Parameters<typeof import('playwright-core').chromium.launchPersistentContext>[1]
>

/** Where Chromium is: `CHROMIUM_PATH`, else Debian's. */
export const CHROMIUM: string
/** The flags every run gets. */
export const CHROMIUM_ARGS: readonly string[]
/** True when Chromium is installed where `CHROMIUM` says. */
export function chromiumInstalled(): boolean
/** A persistent context in `profileDir`, with `args` added to the standard flags. */
export function launchChromium(
  profileDir: string,
  options?: Omit<PersistentOptions, 'args' | 'executablePath'> & {
    args?: readonly string[]
    /** The browser process's environment (Playwright's launch option). */
    env?: Record<string, string | undefined>
  },
): Promise<BrowserContext>
/** A browser with a throwaway profile. */
export function launchChromiumBrowser(
  options?: Omit<LaunchOptions, 'args' | 'executablePath'> & { args?: readonly string[] },
): Promise<Browser>
