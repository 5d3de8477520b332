/**
 * @module routes/quota-headers — the OpenAPI description of the quota headers (quota/limits)
 * a limited key's synthesis answers carry, on success and on a 429.
 */
import { z } from '@hono/zod-openapi'

const header = (description: string, example: string) =>
  z.string().optional().openapi({ description, example })

/** `x-ratelimit-*` headers of a key with a work quota (absent for unlimited keys and cache hits). */
export const QUOTA_HEADERS = z.object({
  'x-ratelimit-limit-characters': header(
    'Characters this key may send to synthesis per minute (its `quota.charsPerMinute`)',
    '2000',
  ),
  'x-ratelimit-remaining-characters': header('Characters left in this minute', '1650'),
  'x-ratelimit-reset-characters': header(
    'Time until the minute window starts afresh, as OpenAI writes it',
    '42s',
  ),
  'x-ratelimit-limit-characters-day': header(
    'Characters per UTC day (`quota.charsPerDay`)',
    '200000',
  ),
  'x-ratelimit-remaining-characters-day': header('Characters left today', '181200'),
  'x-ratelimit-reset-characters-day': header('Time until the day window starts afresh', '9h12m5s'),
})
