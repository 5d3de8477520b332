/**
 * @module commands/warm-prefetch — one `POST /v1/audio/speech/prefetch` of `tts warm`, and what
 * its answer means: accepted (`{queued, duplicates}`: queued now, or already queued for the
 * tenant), a refusal of the batch's phrases (the caller halves it to find the bad one), or a
 * limit that stops the whole run (429 `quota_exceeded`, `queue_full`, `rate_limited`: every
 * later batch would be refused too, so it is one line and exit 1 rather than a retry loop that
 * could wait a day for a daily quota).
 */
import {
  callEdge,
  describeProblem,
  type EdgeAnswer,
  type EdgeTarget,
  retryAfterSeconds,
} from '../edge-api/index.ts'
import { UserError } from '../errors/index.ts'

/** One phrase as the edge's contract has it: each with its own settings. */
export interface PrefetchPhrase {
  input: string
  voice: string
  language: string
  format: string
  speed: number
}

/** What one prefetch came to. */
export type PrefetchOutcome =
  | { ok: true; queued: number; duplicates: number }
  | { ok: false; problem: string }

const count = (v: unknown) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined

/** The counts of a 202; an older edge answers `{}`: every phrase counted as queued. */
function countsOf(answer: EdgeAnswer, sent: number) {
  const body = (answer.json ?? {}) as { queued?: unknown; duplicates?: unknown }
  const duplicates = count(body.duplicates) ?? 0
  return { queued: count(body.queued) ?? sent - duplicates, duplicates }
}

/**
 * The one-line refusal of a 429: what the edge said, when to come back.
 *
 * @example
 * limitError(answer, 'stopped after 3 of 9 phrases')
 */
export function limitError(answer: EdgeAnswer, progress: string): UserError {
  const code = (answer.json as { code?: unknown } | undefined)?.code
  const wait = retryAfterSeconds(answer)
  const again = wait === undefined ? '' : `; try again in ${wait} s`
  return new UserError(
    typeof code === 'string' ? code : 'rate_limited',
    `the edge refused to queue more (${describeProblem(answer)})${again}; ${progress}`,
  )
}

/**
 * Sends one batch. Throws `UserError` for a key the edge refuses (401/403), or from `onLimit`
 * for a 429.
 *
 * @example
 * const out = await prefetch(target, phrases, (answer) => limitError(answer, 'nothing queued'))
 */
export async function prefetch(
  target: EdgeTarget,
  items: readonly PrefetchPhrase[],
  onLimit: (answer: EdgeAnswer) => Error,
): Promise<PrefetchOutcome> {
  const answer = await callEdge(target, 'POST', '/v1/audio/speech/prefetch', {
    items: items.map((i) => ({
      input: i.input,
      voice: i.voice,
      language: i.language,
      response_format: i.format,
      speed: i.speed,
    })),
  })
  if (answer.status === 202 || answer.status === 200)
    return { ok: true, ...countsOf(answer, items.length) }
  if (answer.status === 401 || answer.status === 403) {
    throw new UserError('unauthorized', `the edge refused the key: ${describeProblem(answer)}`)
  }
  if (answer.status === 429) throw onLimit(answer)
  return { ok: false, problem: describeProblem(answer) }
}
