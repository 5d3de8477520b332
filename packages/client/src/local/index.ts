/**
 * @module local — the ordered list of local engines: the first that is available and can do
 * what is asked (render bytes; or, for `speak()`, speak aloud) takes the request; one that
 * fails hands over to the next.
 */
import { AbortedError, isAbortedError, LocalEngineError } from '../errors/index.ts'
import type { LocalAudio, LocalEngine, LocalSpeechRequest } from '../types.ts'

/** What the list produced: audio bytes, or an engine that will speak aloud itself. */
export type LocalOutcome =
  | { kind: 'audio'; audio: LocalAudio; engine: LocalEngine }
  | { kind: 'direct'; engine: LocalEngine }

/**
 * Runs the list. `aloud` allows engines that only speak (Web Speech), for `speak()`.
 * Throws `LocalEngineError` when none could, `AbortedError` when the request's signal fired.
 *
 * @example
 * const outcome = await runLocalEngines([webSpeechEngine(), espeakEngine()], request, { aloud: true })
 */
export async function runLocalEngines(
  engines: readonly LocalEngine[],
  request: LocalSpeechRequest,
  options: { aloud: boolean; cause?: unknown; reason?: string },
): Promise<LocalOutcome> {
  const failures: { engine: string; error: unknown }[] = []
  for (const engine of engines) {
    if (!engine.synthesize && !(options.aloud && engine.speak)) continue
    try {
      if (!(await engine.isAvailable())) continue
      if (engine.synthesize)
        return { kind: 'audio', audio: await engine.synthesize(request), engine }
      return { kind: 'direct', engine }
    } catch (error) {
      if (request.signal?.aborted || isAbortedError(error)) {
        throw new AbortedError('speech was cancelled', error)
      }
      failures.push({ engine: engine.name, error })
    }
  }
  // The engines' own words, so a setup problem (a package to install) reaches the app.
  const why = failures
    .map((f) => `; ${f.engine}: ${f.error instanceof Error ? f.error.message : String(f.error)}`)
    .join('')
  throw new LocalEngineError(
    `the edge failed (${options.reason ?? 'unknown'}) and no local engine could speak ${request.language}${why}`,
    {
      cause: options.cause,
      details: { engines: engines.map((e) => e.name), failures: failures.length },
    },
  )
}
