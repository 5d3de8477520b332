/**
 * @module queue — the `SYNTH_QUEUE` consumer: synthesizes queued requests (prefetch, and in
 * issue 5 deferred synthesis when no upstream could serve) into the cache, so the next ask
 * is a hit. A message that fails for a transient reason is retried by the Queue.
 */
import type { Principal } from '../auth/index.ts'
import { isSupportedFormat } from '../encode/index.ts'
import { requestLogger } from '../observe/index.ts'
import { isProblemError } from '../problem/index.ts'
import { settingsOf } from '../settings/index.ts'
import { type AnswerReport, answerSpeech } from '../speech/answer.ts'
import { createSpeechContext } from '../speech/context.ts'
import { prepareSpeech, type SpeechInput } from '../speech/prepare.ts'

/** A queued synthesis. */
export interface SynthMessage {
  kind: 'synthesize'
  principal: Principal
  request: SpeechInput
}

/**
 * Handles a batch of queued syntheses.
 *
 * @example
 * export default { queue: consumeSynthQueue }
 */
export async function consumeSynthQueue(
  batch: MessageBatch<unknown>,
  env: Env,
  ctx: ExecutionContext,
): Promise<void> {
  const log = requestLogger(settingsOf(env).logLevel, `queue:${batch.queue}`)
  for (const message of batch.messages) {
    const body = message.body as Partial<SynthMessage>
    if (
      body?.kind !== 'synthesize' ||
      !body.principal ||
      !body.request ||
      !isSupportedFormat(body.request.format)
    ) {
      log.warn('dropping a malformed queue message', { id: message.id })
      message.ack()
      continue
    }
    try {
      const speech = await createSpeechContext({
        env,
        principal: body.principal,
        log,
        waitUntil: (p) => ctx.waitUntil(p),
      })
      const prepared = await prepareSpeech(speech, { ...body.request, stream: false })
      const report: AnswerReport = {
        cache: 'MISS',
        bytes: 0,
        pieces: 0,
        cachedPieces: 0,
        upstream: undefined,
        audioMs: 0,
      }
      const response = await answerSpeech(
        speech,
        new Request('https://queue.invalid/'),
        prepared,
        { cache: 0, upstream: 0, encode: 0 },
        report,
      )
      await response.body?.cancel()
      log.metric('prefetch', report.pieces - report.cachedPieces, 'pieces', { cache: report.cache })
      message.ack()
    } catch (error) {
      if (isProblemError(error) && error.status < 500) {
        log.warn('dropping a queued synthesis that can never succeed', { code: error.code })
        message.ack()
      } else {
        log.warn('queued synthesis failed; it will be retried', {
          code: (error as { code?: string }).code ?? 'unknown',
        })
        message.retry({ delaySeconds: 30 })
      }
    }
  }
}
