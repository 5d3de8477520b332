/**
 * @module rows/context — what every row gets: the run's mode, the processes it may start,
 * the shared emulator and edge, and texts guaranteed not to be cached yet.
 */
import { randomBytes } from 'node:crypto'
import type { ProcessSet } from '../procs/index.ts'
import type { Edge } from '../services/edge.ts'
import type { Emulator } from '../services/emulator.ts'
import type { Nginx } from '../services/nginx.ts'

/** The XTTS-v2 latency profile the emulator models (DESIGN: ~0.6 s first chunk, RTF ~0.3). */
export const XTTS_PROFILE = Object.freeze({ ttfbMs: 600, rtf: 0.3 })
/** No latency model: the emulator answers as fast as espeak-ng renders. */
export const FAST_PROFILE = Object.freeze({ ttfbMs: 0, rtf: 0 })

/** Shared by the rows of one run. */
export interface RowContext {
  root: string
  tmp: string
  quick: boolean
  procs: ProcessSet
  emulator: Emulator
  edge: Edge
  /** nginx with proxy_cache in front of `emulator`, or why it is not available. */
  nginx: Promise<Nginx | string>
  /** A second emulator (no latency model) for baselines that run beside the edge's pass. */
  baselineEmulator: Promise<Emulator>
  log(line: string): void
  /** A text of about `chars` characters, in sentences none of which was ever sent this run. */
  freshText(chars: number): string
}

const NOUNS = ['train', 'parcel', 'meeting', 'invoice', 'flight', 'delivery', 'booking', 'ticket']
const PLACES = ['the station', 'the office', 'gate four', 'the front desk', 'the north entrance']

/**
 * A `freshText` for one run: every sentence carries a run nonce and a counter, so no sentence
 * repeats within the run and none can be in a cache from an earlier run's storage either.
 *
 * @example
 * const fresh = freshTexts()
 * fresh(200) // 'Notice kx 1: your train is waiting at the station. ...'
 */
export function freshTexts(): (chars: number) => string {
  const nonce = Array.from(randomBytes(3), (b) => String.fromCharCode(97 + (b % 26))).join('')
  let counter = 0
  return (chars) => {
    const sentences: string[] = []
    let length = 0
    while (length < chars) {
      counter++
      const noun = NOUNS[counter % NOUNS.length] as string
      const place = PLACES[counter % PLACES.length] as string
      const s = `Notice ${nonce} ${counter}: your ${noun} is waiting at ${place}.`
      sentences.push(s)
      length += s.length + 1
    }
    return sentences.join(' ')
  }
}
