/**
 * @module text — text as XTTS receives it: normalised for cache keys, split into pieces under
 * each language's character limit.
 */

export { isUnspaced, joinPieces, separator } from './join.ts'
export { normalizeText } from './normalize.ts'
export { type SplitOptions, splitForSynthesis } from './split.ts'
