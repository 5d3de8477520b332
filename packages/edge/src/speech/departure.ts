/**
 * @module speech/departure — what an answer made sentence by sentence does when its caller
 * leaves (a stream's `request.signal` or cancelled body): it stops handing out audio at once,
 * but the sentences the upstream already works on are read to their end and cached, as for a
 * whole file (`leavingWith`: their GPU time is spent either way), so the next caller of the
 * same text gets them from the cache. workerd ends a departed caller's invocation once its abort
 * listeners ran, so that work is handed to `waitUntil` from the listener itself.
 */

/** The caller's departure, as the pieces loop sees it. */
export interface Departure {
  /** True once the caller left. */
  readonly left: boolean
  /** Work to finish should the caller leave (an asked sentence, until its entry is written). */
  track(work: Promise<unknown>): void
  /** `work`, or the caller's departure as its rejection: the caller stops waiting, not the work. */
  unlessLeft<T>(work: Promise<T>): Promise<T>
  /** Stops watching: the answer ended. */
  dispose(): void
}

/**
 * Watches `leave` (none: a caller who never leaves, e.g. the queue); on departure hands the
 * tracked work still running to `waitUntil`.
 *
 * @example
 * const departed = departure(leave, (p) => ctx.waitUntil(p))
 * departed.track(asked.then((a) => a.entry))
 * const audio = await departed.unlessLeft(asked)
 */
export function departure(
  leave: AbortSignal | undefined,
  waitUntil: (work: Promise<unknown>) => void,
): Departure {
  const running = new Set<Promise<unknown>>()
  const stay = () => {
    waitUntil(Promise.allSettled([...running]))
  }
  leave?.addEventListener('abort', stay, { once: true })
  return {
    get left() {
      return leave?.aborted === true
    },
    track(work) {
      const settled = work.then(
        () => {},
        () => {},
      )
      running.add(settled)
      void settled.then(() => running.delete(settled))
    },
    unlessLeft(work) {
      if (!leave) return work
      if (leave.aborted) return Promise.reject(leave.reason)
      return new Promise((resolve, reject) => {
        const gone = () => reject(leave.reason)
        leave.addEventListener('abort', gone, { once: true })
        void work.then(resolve, reject).finally(() => leave.removeEventListener('abort', gone))
      })
    },
    dispose() {
      leave?.removeEventListener('abort', stay)
    },
  }
}
