/**
 * @module adversarial-cases — the generated requests of the adversarial pass
 * (scripts/adversarial.mjs): every route of the edge, valid and hostile, drawn from a seeded
 * random source so that one seed always gives the same requests. Each case is plain data —
 * method, path, headers, body — plus a family name for the report; credentials are referred to
 * by role (`speech`, `admin`, ...) and filled in by the runner, so a printed case never holds one.
 */

import { ROUTE_FAMILIES } from './adversarial-routes.mjs'
import { SPEECH_FAMILIES } from './adversarial-speech.mjs'

export { seededRandom } from './adversarial-random.mjs'

/**
 * Every case family and its weight; each draws one request from the seeded source. The order
 * is part of what a seed means: keep it.
 */
export const FAMILIES = { ...SPEECH_FAMILIES, ...ROUTE_FAMILIES }
