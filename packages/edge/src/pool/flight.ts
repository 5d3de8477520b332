/**
 * @module pool/flight — single-flight: one synthesis in progress, any number of listeners.
 * Every listener gets the whole audio — the bytes produced before it joined, then the rest as
 * they come — through its own `ReadableStream`. Ours: the Streams API's `tee()` only splits
 * into two at creation time, and a late joiner would miss what was already read.
 */

/** What a listener learns once the first audio has arrived. */
export interface FlightHead {
  sampleRate: number
  channels: number
  upstream: string
}

/** One shared synthesis. */
export interface Flight {
  readonly key: string
  /** Resolves with the format once audio flows; rejects if none ever came. */
  readonly head: Promise<FlightHead>
  /** Appends audio bytes. */
  push(bytes: Uint8Array): void
  /** The audio is complete. */
  end(): void
  /** The synthesis failed; listeners' streams error (after the bytes they already had). */
  fail(error: unknown): void
  /** A new listener's stream of everything, from the first byte. */
  listen(): ReadableStream<Uint8Array>
  /** True once ended or failed. */
  readonly settled: boolean
  /** Listeners still reading. */
  readonly listeners: number
}

/**
 * A flight whose audio format becomes known with `start(head)`.
 *
 * @example
 * const flight = createFlight(key, () => controller.abort())
 * flight.start({ sampleRate: 24000, channels: 1, upstream })
 * for await (const pcm of result.chunks) flight.push(bytes(pcm))
 * flight.end()
 */
export function createFlight(
  key: string,
  /** Called when the last listener goes away before the end: nobody wants the audio now. */
  onAbandoned: () => void,
): Flight & { start(head: FlightHead): void } {
  const chunks: Uint8Array[] = []
  let done = false
  let failure: { error: unknown } | undefined
  let listeners = 0
  const wake = new Set<() => void>()
  let resolveHead!: (head: FlightHead) => void
  let rejectHead!: (error: unknown) => void
  const head = new Promise<FlightHead>((resolve, reject) => {
    resolveHead = resolve
    rejectHead = reject
  })
  head.catch(() => {})

  const notify = () => {
    for (const w of [...wake]) w()
    wake.clear()
  }

  return {
    key,
    head,
    get settled() {
      return done || failure !== undefined
    },
    get listeners() {
      return listeners
    },
    start: (h) => resolveHead(h),
    push(bytes) {
      if (bytes.byteLength === 0) return
      chunks.push(bytes)
      notify()
    },
    end() {
      done = true
      notify()
    },
    fail(error) {
      if (done || failure) return
      failure = { error }
      rejectHead(error)
      notify()
    },
    listen() {
      let at = 0
      let open = true
      listeners++
      const leave = () => {
        if (!open) return
        open = false
        listeners--
        if (listeners === 0 && !done && !failure) onAbandoned()
      }
      return new ReadableStream<Uint8Array>({
        async pull(controller) {
          while (at >= chunks.length && !done && !failure) {
            await new Promise<void>((resolve) => wake.add(resolve))
          }
          const next = chunks[at]
          if (next) {
            at++
            controller.enqueue(next)
          } else if (failure) {
            leave()
            controller.error(failure.error)
          } else {
            leave()
            controller.close()
          }
        },
        cancel() {
          leave()
        },
      })
    },
  }
}
