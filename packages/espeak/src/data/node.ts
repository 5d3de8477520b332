/**
 * @module data/node — reads espeak-ng's voice data from the installed package (Node only; the
 * browser entry never imports this file).
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'

/**
 * The bytes of `espeak-ng.data` from `@echogarden/espeak-ng-emscripten` beside this package.
 *
 * @example
 * const engine = createEspeakEngineCore({ loadData: loadNodeData })
 */
export async function loadNodeData(): Promise<Uint8Array> {
  const require = createRequire(import.meta.url)
  return readFile(require.resolve('@echogarden/espeak-ng-emscripten/espeak-ng.data'))
}
