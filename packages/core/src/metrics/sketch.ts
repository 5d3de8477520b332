/**
 * @module metrics/sketch — DDSketch (Masson, Rim, Lee; VLDB 2019): a quantile sketch whose
 * answers are within a relative accuracy α of the true value, fully mergeable, in memory that
 * grows with the log of the value range, not with the number of values.
 *
 * Why not `@datadog/sketches-js` itself: every one of its modules lazily `require`s its
 * generated protobuf code, which needs `protobufjs/minimal`, a package it does not depend on.
 * esbuild — so wrangler, and the client's bundle — fails with `Could not resolve
 * "protobufjs/minimal"`; adding protobufjs makes the sketch 63 KB minified (17 KB gzipped)
 * in a browser bundle, against ~2 KB here, and buys only a binary format we do not need
 * (snapshots here are plain JSON). Its `merge` also drops negative values. This file keeps its
 * exact index mapping (logarithmic, `gamma = 1 + 2α/(1−α)`) and rank rule, so results are
 * identical to it — the tests check that against the library — and adds a sparse, JSON-ready
 * store and a bin limit.
 */
import { TtsError } from '../errors/index.ts'

/** The relative accuracy used unless a sketch asks for another: 1 %. */
export const DEFAULT_RELATIVE_ACCURACY = 0.01
/** Past this many bins the lowest ones are merged; ample for 1e-3..1e9 at 1 %. */
export const DEFAULT_MAX_BINS = 2048

/** A sketch as plain JSON, for snapshots and merging across isolates. */
export interface SketchJSON {
  relativeAccuracy: number
  count: number
  sum: number
  /** `null` while empty (JSON has no Infinity). */
  min: number | null
  max: number | null
  zeroCount: number
  /** Bin index → count, for positive values. */
  bins: Record<string, number>
}

/** Values closer to zero than this land in the zero bin. */
const MIN_POSITIVE = 2 ** -1023

const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0

/** Checks sketch JSON from elsewhere before any of it is used; returns its bins. */
function checkJSON(json: SketchJSON): [number, number][] {
  const bad = (why: string) => new TtsError('invalid_metric', `sketch JSON: ${why}`)
  if (!isCount(json.count) || !isCount(json.zeroCount) || !Number.isFinite(json.sum)) {
    throw bad('count, zeroCount and sum must be finite numbers ≥ 0')
  }
  const bins: [number, number][] = []
  let total = json.zeroCount
  for (const [k, n] of Object.entries(json.bins ?? {})) {
    const key = Number(k)
    if (!Number.isInteger(key) || !isCount(n) || n === 0) {
      throw bad(`bin ${k}: ${n} is not an integer key with a positive count`)
    }
    bins.push([key, n])
    total += n
  }
  // Float weights are allowed, so compare with a tolerance.
  if (Math.abs(total - json.count) > 1e-9 * Math.max(1, json.count)) {
    throw bad(`its bins hold ${total} values but its count is ${json.count}`)
  }
  return bins
}

function checkAccuracy(alpha: number): void {
  if (!(alpha > 0 && alpha < 1)) {
    throw new TtsError(
      'invalid_metric',
      `relativeAccuracy must be between 0 and 1 (exclusive), got ${alpha}`,
    )
  }
}

/**
 * A DDSketch of non-negative values (latencies, sizes).
 *
 * @example
 * const s = new QuantileSketch()
 * for (const ms of latencies) s.add(ms)
 * s.quantile(0.95) // within 1 % of the true P95
 */
export class QuantileSketch {
  readonly relativeAccuracy: number
  count = 0
  sum = 0
  min = Number.POSITIVE_INFINITY
  max = Number.NEGATIVE_INFINITY
  zeroCount = 0
  readonly #bins = new Map<number, number>()
  readonly #multiplier: number
  readonly #gamma: number
  readonly #maxBins: number
  #floor = Number.NEGATIVE_INFINITY

  constructor(options: { relativeAccuracy?: number; maxBins?: number } = {}) {
    const { relativeAccuracy = DEFAULT_RELATIVE_ACCURACY, maxBins = DEFAULT_MAX_BINS } = options
    checkAccuracy(relativeAccuracy)
    this.relativeAccuracy = relativeAccuracy
    const gammaMantissa = (2 * relativeAccuracy) / (1 - relativeAccuracy)
    this.#gamma = 1 + gammaMantissa
    this.#multiplier = Math.log(2) / Math.log1p(gammaMantissa)
    this.#maxBins = maxBins
  }

  /** The bin a positive value falls in. */
  #key(value: number): number {
    return Math.ceil(Math.log2(value) * this.#multiplier)
  }

  /** The representative value of a bin: within α of everything in it. */
  #value(key: number): number {
    return 2 ** (key / this.#multiplier) * (2 / (1 + this.#gamma))
  }

  #addToBin(rawKey: number, weight: number): void {
    const key = Math.max(rawKey, this.#floor)
    this.#bins.set(key, (this.#bins.get(key) ?? 0) + weight)
    if (this.#bins.size > this.#maxBins) {
      // Collapse the lowest bin into the next: high quantiles (P95, P99), the ones we report,
      // stay exact, and from then on anything below lands in that bin without a new one.
      const [lowest, next] = [...this.#bins.keys()].sort((a, b) => a - b)
      if (lowest !== undefined && next !== undefined) {
        this.#bins.set(next, (this.#bins.get(next) ?? 0) + (this.#bins.get(lowest) ?? 0))
        this.#bins.delete(lowest)
        this.#floor = next
      }
    }
  }

  /**
   * Adds a value (`weight` times).
   *
   * @throws TtsError (`invalid_metric`) for a negative, NaN or infinite value or weight.
   */
  add(value: number, weight = 1): void {
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new TtsError('invalid_metric', `a sketch takes finite values ≥ 0, got ${value}`)
    }
    if (!(Number.isFinite(weight) && weight > 0)) {
      throw new TtsError('invalid_metric', `weight must be a finite number > 0, got ${weight}`)
    }
    if (value > MIN_POSITIVE) this.#addToBin(this.#key(value), weight)
    else this.zeroCount += weight
    this.count += weight
    this.sum += value * weight
    if (value < this.min) this.min = value
    if (value > this.max) this.max = value
  }

  /**
   * The value at quantile `q` (0–1): the value of rank ⌊q·(count−1)⌋ in sorted order, within
   * the relative accuracy; `NaN` when empty.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) {
      throw new TtsError('invalid_metric', `a quantile is between 0 and 1, got ${q}`)
    }
    if (this.count === 0) return Number.NaN
    const rank = q * (this.count - 1)
    if (rank < this.zeroCount) return 0
    let running = this.zeroCount
    const keys = [...this.#bins.keys()].sort((a, b) => a - b)
    let key = keys[keys.length - 1] ?? 0
    for (const k of keys) {
      running += this.#bins.get(k) ?? 0
      if (running > rank) {
        key = k
        break
      }
    }
    // The true value lies in [min, max]; clamping only brings the estimate closer.
    return Math.min(this.max, Math.max(this.min, this.#value(key)))
  }

  /**
   * Adds everything in `other` (a sketch or its JSON) to this sketch.
   *
   * @throws TtsError (`invalid_metric`) when the relative accuracies differ.
   */
  merge(other: QuantileSketch | SketchJSON): void {
    const json = other instanceof QuantileSketch ? other.toJSON() : other
    if (json.relativeAccuracy !== this.relativeAccuracy) {
      throw new TtsError(
        'invalid_metric',
        `cannot merge a sketch of relative accuracy ${json.relativeAccuracy} into one of ${this.relativeAccuracy}`,
      )
    }
    const bins = checkJSON(json)
    for (const [key, n] of bins) this.#addToBin(key, n)
    this.zeroCount += json.zeroCount
    this.count += json.count
    this.sum += json.sum
    if (json.min !== null && json.min < this.min) this.min = json.min
    if (json.max !== null && json.max > this.max) this.max = json.max
  }

  /** Plain JSON that `QuantileSketch.fromJSON` and `merge` read back. */
  toJSON(): SketchJSON {
    const bins: Record<string, number> = {}
    for (const [k, n] of [...this.#bins].sort((a, b) => a[0] - b[0])) bins[String(k)] = n
    const empty = this.count === 0
    return {
      relativeAccuracy: this.relativeAccuracy,
      count: this.count,
      sum: this.sum,
      min: empty ? null : this.min,
      max: empty ? null : this.max,
      zeroCount: this.zeroCount,
      bins,
    }
  }

  /**
   * A sketch from its JSON.
   *
   * @example
   * const copy = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(sketch)))
   */
  static fromJSON(json: SketchJSON): QuantileSketch {
    const sketch = new QuantileSketch({ relativeAccuracy: json.relativeAccuracy })
    sketch.merge(json)
    return sketch
  }
}
