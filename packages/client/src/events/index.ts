/**
 * @module events — a small typed emitter: `on(name, listener)` returns its unsubscribe.
 * Our own because it is twenty lines and `EventTarget` would wrap every payload in an Event.
 * A listener that throws is reported to `onListenerError` and never breaks speech.
 */

/** A map from event name to payload type. */
export type EventMap = Record<string, unknown>

/** The subscribe side an app sees. */
export interface Emitter<E extends EventMap> {
  on<K extends keyof E>(name: K, listener: (payload: E[K]) => void): () => void
}

/** The emitter plus its `emit`, kept inside the client. */
export interface EmitterController<E extends EventMap> extends Emitter<E> {
  emit<K extends keyof E>(name: K, payload: E[K]): void
}

/**
 * Makes an emitter.
 *
 * @example
 * const events = createEmitter<{ provider: { provider: string } }>()
 * const off = events.on('provider', (p) => console.log(p.provider))
 * events.emit('provider', { provider: 'edge' })
 * off()
 */
export function createEmitter<E extends EventMap>(
  onListenerError: (error: unknown) => void = () => {},
): EmitterController<E> {
  const listeners = new Map<keyof E, Set<(payload: never) => void>>()
  return {
    on(name, listener) {
      let set = listeners.get(name)
      if (!set) {
        set = new Set()
        listeners.set(name, set)
      }
      const entry = listener as (payload: never) => void
      set.add(entry)
      return () => {
        set.delete(entry)
      }
    },
    emit(name, payload) {
      for (const listener of [...(listeners.get(name) ?? [])]) {
        try {
          ;(listener as (p: typeof payload) => void)(payload)
        } catch (error) {
          onListenerError(error)
        }
      }
    },
  }
}
