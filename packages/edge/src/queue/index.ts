/**
 * @module queue — the `SYNTH_QUEUE` consumer: synthesizes queued requests (prefetch, and
 * deferred synthesis when no upstream could serve) through the upstream pool into the cache,
 * so the next ask is a hit. A message is acknowledged only once its audio is stored; a
 * failure is retried with growing delays (or the upstream's `Retry-After`), and after
 * `queueMaxAttempts` deliveries the Queue moves it to the dead-letter queue — logged and
 * counted here. Duplicates of one request cost one synthesis: within a batch the second finds
 * the cache, across batches the pool's single-flight joins them.
 *
 * Queued work is paid for when it is queued (prefetch) or by the request that could not be
 * served (deferred), so nothing here charges the quota; a message that leaves the queue gives
 * back its place in the tenant's ledger and what it prepaid for audio already cached.
 */
import { isSupportedFormat } from '../encode/index.ts'
import { type Logger, requestLogger } from '../observe/index.ts'
import { poolClient } from '../pool-client/index.ts'
import { isProblemError } from '../problem/index.ts'
import { settingsOf } from '../settings/index.ts'
import { prepareSpeech } from '../speech/prepare.ts'
import { type SpeechReport, synthesizeToCache } from '../speech/synthesize.ts'
import { wireSpeech } from '../speech/wire.ts'
import type { SynthMessage } from './message.ts'
import { prepaidMeter, settleQueued } from './settle.ts'

export type { SynthMessage } from './message.ts'

/** Codes of requests that can never succeed, however often they are tried. */
const PERMANENT =
  /^(invalid_request|input_rejected|unsupported_\w+|unknown_voice|forbidden|unauthorized)$/

function isWellFormed(body: Partial<SynthMessage> | null): body is SynthMessage {
  return (
    body?.kind === 'synthesize' &&
    !!body.principal &&
    !!body.request &&
    isSupportedFormat(body.request.format)
  )
}

/** Synthesizes one message's request into the cache; resolves once every write is stored. */
async function synthesizeIntoCache(
  body: SynthMessage,
  env: Env,
  log: Logger,
  ctx: ExecutionContext,
  meter: ReturnType<typeof prepaidMeter>,
): Promise<SpeechReport> {
  const { ctx: speech } = await wireSpeech({
    env,
    principal: body.principal,
    log,
    waitUntil: (p) => ctx.waitUntil(p),
    meter,
    // Deferred synthesis, prefetch and warming: nobody is waiting, so people go first.
    priority: 'background',
  })
  const prepared = await prepareSpeech(speech, { ...body.request, stream: false })
  const whole = await synthesizeToCache(speech, prepared)
  await whole.stored
  return whole.report
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
  const { options } = settingsOf(env).pool.config
  for (const message of batch.messages) {
    const body = message.body as Partial<SynthMessage> | null
    if (!isWellFormed(body)) {
      log.warn('dropping a malformed queue message', { id: message.id })
      message.ack()
      continue
    }
    const meter = prepaidMeter()
    const settle = () =>
      settleQueued(env, body, meter.spent).catch((error: unknown) =>
        log.warn('releasing a queued synthesis from its tenant ledger failed', {
          error: String(error),
        }),
      )
    try {
      const report = await synthesizeIntoCache(body, env, log, ctx, meter)
      log.metric('queued_synthesis', report.pieces - report.cachedPieces, 'pieces', {
        cache: report.cache,
        reason: body.reason ?? 'prefetch',
        attempts: message.attempts,
      })
      await settle()
      message.ack()
    } catch (error) {
      const code = (error as { code?: string } | null)?.code ?? 'unknown'
      if ((isProblemError(error) && error.status < 500) || PERMANENT.test(code)) {
        log.warn('dropping a queued synthesis that can never succeed', { id: message.id, code })
        await settle()
        message.ack()
        continue
      }
      if (message.attempts >= options.queueMaxAttempts) {
        // The Queue moves it to the dead-letter queue after this last retry.
        log.error('queued synthesis failed for the last time; it goes to the dead-letter queue', {
          event: 'dead_letter',
          id: message.id,
          code,
          attempts: message.attempts,
        })
        await poolClient(env)
          .countDeadLetter()
          .catch(() => {})
        await settle()
        message.retry()
        continue
      }
      const asked = (error as { retryAfterS?: number } | null)?.retryAfterS ?? 0
      const backoff = options.queueRetryBaseS * 2 ** (message.attempts - 1)
      const delaySeconds = Math.min(3600, Math.max(asked, backoff))
      log.warn('queued synthesis failed; it will be retried', {
        id: message.id,
        code,
        attempts: message.attempts,
        delaySeconds,
      })
      message.retry({ delaySeconds })
    }
  }
}
