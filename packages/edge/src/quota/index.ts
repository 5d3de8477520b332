/**
 * @module quota — the worker's way to a tenant's `WorkQuota` object: charge the characters a
 * miss sends to synthesis, claim queue places for prefetch and deferred work, release them
 * when done. A key without `quota` in `API_KEYS` is unlimited and never calls the object for
 * charges; queue claims (dedupe and the tenant's queue cap) apply to every key.
 */
import type { Principal } from '../auth/index.ts'
import { ProblemError } from '../problem/index.ts'
import { settingsOf } from '../settings/index.ts'
import type { WorkMeter } from '../speech/context.ts'
import { limitedWindows, type QuotaAnswer, quotaHeaders, type WindowState } from './limits.ts'
import type { QueueAnswer } from './object.ts'

export { type QuotaLimits, QuotaLimitsSchema, quotaHeaders, type WindowState } from './limits.ts'
export { WorkQuota } from './object.ts'
export { prefetchItem } from './prefetch-item.ts'

/** How long a queued item blocks an identical one unless the consumer releases it first. */
export const PENDING_TTL_MS = 3_600_000

const NAMES = { minute: 'per minute', day: 'per day' } as const

function stubOf(env: Env, tenant: string) {
  return env.WORK_QUOTA.getByName(`tenant:${tenant}`)
}

/** The 429 for a refused charge: which limit, how much was asked, when it resets. */
function refusal(answer: QuotaAnswer, chars: number): ProblemError {
  const window = answer.windows.find((w) => w.window === answer.refused) ?? answer.windows[0]
  const resetS = Math.max(1, Math.ceil((window?.resetMs ?? 60_000) / 1000))
  const limit = window?.limit ?? 0
  const alone = chars > limit ? ' (more than the whole limit: send it in smaller pieces)' : ''
  return new ProblemError(
    'quota_exceeded',
    `this API key has used its quota of ${limit} characters synthesized ${NAMES[window?.window ?? 'minute']}: this request needs ${chars}${alone}, ${window?.remaining ?? 0} are left; the quota resets in ${resetS} s (cached audio stays free)`,
    {
      retryAfterS: resetS,
      headers: quotaHeaders(answer.windows),
      details: { window: window?.window ?? 'minute', limit, requested: chars },
    },
  )
}

/**
 * Charges `chars` characters of synthesis to the caller's key: the windows after the charge,
 * undefined for an unlimited key or nothing to charge, a 429 `quota_exceeded` problem (with
 * `Retry-After` and `x-ratelimit-*` headers) when a window has no room.
 *
 * @example
 * const windows = await chargeWork(env, principal, 342) // then quotaHeaders(windows)
 */
export async function chargeWork(
  env: Env,
  principal: Principal,
  chars: number,
): Promise<WindowState[] | undefined> {
  const limits = limitedWindows(principal.quota)
  if (limits.length === 0 || chars <= 0) return undefined
  const answer = (await stubOf(env, principal.tenant).charge(
    principal.keyId,
    limits,
    chars,
  )) as QuotaAnswer
  if (!answer.ok) throw refusal(answer, chars)
  return answer.windows
}

/**
 * The caller's meter for synthesis work: `chargeWork` on its key, and whether a charge can be
 * refused at all (not for an unlimited key, so its upstream work need not wait for the charge).
 *
 * @example
 * const meter = workMeter(env, principal) // meter.mayRefuse === false for an unlimited key
 */
export function workMeter(env: Env, principal: Principal): WorkMeter {
  return {
    charge: (chars) => chargeWork(env, principal, chars),
    mayRefuse: limitedWindows(principal.quota).length > 0,
  }
}

/**
 * Gives back characters charged earlier (a prefetch item whose sentences were cached).
 *
 * @example
 * await refundWork(env, principal, 120)
 */
export async function refundWork(env: Env, principal: Principal, chars: number): Promise<void> {
  if (limitedWindows(principal.quota).length === 0 || chars <= 0) return
  await stubOf(env, principal.tenant).refund(principal.keyId, chars)
}

/**
 * Claims queue places for `items` (ids are dedupe keys): the ids to queue (those not queued
 * already), with their characters charged. A 429 `queue_full` when the tenant's queue would
 * pass `TENANT_QUEUE_MAX`, `quota_exceeded` when the key's quota has no room.
 *
 * @example
 * const { fresh } = await claimQueue(env, principal, [{ id, chars: 42 }])
 */
export async function claimQueue(
  env: Env,
  principal: Principal,
  items: Array<{ id: string; chars: number }>,
  options: { charge: boolean } = { charge: true },
): Promise<{ fresh: string[]; windows: WindowState[] | undefined }> {
  const cap = settingsOf(env).tenantQueueMax
  const limits = options.charge ? limitedWindows(principal.quota) : []
  const answer = (await stubOf(env, principal.tenant).claim({
    keyId: principal.keyId,
    limits,
    items,
    cap,
    ttlMs: PENDING_TTL_MS,
  })) as QueueAnswer
  if (answer.full) {
    throw new ProblemError(
      'queue_full',
      `this tenant already has ${answer.pending} syntheses queued, and at most ${cap} may wait at once (TENANT_QUEUE_MAX); send more once some are done`,
      { retryAfterS: 60, details: { queued: answer.pending, cap } },
    )
  }
  if (answer.quota && !answer.quota.ok) {
    throw refusal(answer.quota, answer.chars ?? 0)
  }
  return { fresh: answer.fresh, windows: answer.quota?.windows }
}

/**
 * Releases queue places once their work is done, dropped or dead-lettered.
 *
 * @example
 * await releaseQueued(env, 'acme', [pendingId])
 */
export async function releaseQueued(env: Env, tenant: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  await stubOf(env, tenant).release(ids)
}
