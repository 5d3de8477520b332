/**
 * @module test/helpers — what the browser tests share: finding Chromium (a missing browser fails
 * under CI and skips, loudly, elsewhere), the local stack on run-time ports, and reading the page.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { CHROMIUM, chromiumInstalled } from '../../../scripts/chromium.mjs'
// @ts-expect-error scripts/stack.mjs is plain JavaScript, shared with `make dev`.
import { startStack as startStackJs } from '../../../scripts/stack.mjs'

/** A started stack. */
export interface Stack {
  urls: { emulator: string; edge: string; demo?: string }
  apiKey: string | undefined
  stop(): Promise<void>
}

/** Options of `startStack` (scripts/stack.mjs). */
export interface StackOptions {
  ports?: { emulator?: number; edge?: number; demo?: number }
  demo?: boolean
  persistTo?: string
  secretsFile?: string
  emulator?: { ttfbMs?: number; rtf?: number }
  edgeVars?: Record<string, string>
  log?: (name: string, line: string) => void
}

/** scripts/stack.mjs's `startStack`, typed. */
export const startStack = startStackJs as (options?: StackOptions) => Promise<Stack>

/** True when the browser tests can run; throws under CI when they cannot, so CI never skips. */
export function chromiumAvailable(): boolean {
  if (chromiumInstalled()) return true
  if (process.env.CI === 'true') {
    throw new Error(
      `Chromium is missing at ${CHROMIUM}; CI must install it (scripts/system-deps.sh) — the browser tests never skip under CI`,
    )
  }
  console.warn(`SKIPPING the demo's browser tests: no Chromium at ${CHROMIUM} (set CHROMIUM_PATH)`)
  return false
}

/** A fresh temporary directory and its removal. */
export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/** Keeps the last lines each process printed, for a failing test's message. */
export function lineBuffer(max = 200) {
  const lines: string[] = []
  return {
    log: (name: string, line: string) => {
      lines.push(`[${name}] ${line}`)
      if (lines.length > max) lines.shift()
    },
    text: () => lines.join('\n'),
  }
}

/** The text of a `[data-field]` in a list of the page. */
export async function field(page: Page, list: string, name: string): Promise<string> {
  return ((await page.textContent(`${list} [data-field="${name}"]`)) ?? '').trim()
}

/**
 * Parses the page's "84 ms" / "1.24 s" back into milliseconds.
 *
 * @example
 * parseShownMs('1.24 s') // 1240
 */
export function parseShownMs(shown: string): number {
  const match = /^([\d.]+) (ms|s)$/.exec(shown.trim())
  if (!match) throw new Error(`not a duration the page shows: "${shown}"`)
  return Number(match[1]) * (match[2] === 's' ? 1000 : 1)
}
