/**
 * @module queue — texts the local engine spoke, kept so the edge can warm them once it is
 * back and the next time sounds like the edge. Persisted through a tiny storage interface,
 * bounded (the oldest go first), duplicates collapsed, flushed by one `prefetch` at a time.
 */
import type { SpeechRequest } from '../edge/index.ts'

/** Where the queue is kept between runs: a file in Node, `localStorage` in a browser. */
export interface QueueStorage {
  load(): Promise<string | null>
  save(value: string): Promise<void>
}

/** Options of `createWarmQueue`. */
export interface WarmQueueOptions {
  storage: QueueStorage
  /** Default 200. */
  maxItems?: number
  /** Items per prefetch request. Default 50. */
  batchSize?: number
  /** Sends one batch; resolves when the edge accepted it (to anything: the queue ignores it). */
  send: (items: SpeechRequest[]) => Promise<unknown>
}

/** The queue; see `createWarmQueue`. */
export interface WarmQueue {
  add(item: SpeechRequest): Promise<void>
  /** Sends everything queued; items of a failed batch stay. Resolves to how many were sent. */
  flush(): Promise<number>
  size(): Promise<number>
  items(): Promise<SpeechRequest[]>
}

const identity = (item: SpeechRequest) =>
  JSON.stringify([
    item.input,
    item.voice,
    item.language,
    item.response_format,
    item.speed,
    item.pitch ?? 1,
  ])

/**
 * Builds a warm queue.
 *
 * @example
 * const queue = createWarmQueue({ storage: memoryQueueStorage(), send: (items) => edge.prefetch(items) })
 * await queue.add({ input: 'Hello', voice: 'default', language: 'en', response_format: 'wav', speed: 1 })
 */
export function createWarmQueue(options: WarmQueueOptions): WarmQueue {
  const maxItems = options.maxItems ?? 200
  const batchSize = options.batchSize ?? 50
  let items: Promise<SpeechRequest[]> | undefined
  let flushing: Promise<number> | undefined
  // Mutations are chained so two `add`s never save over each other.
  let chain: Promise<unknown> = Promise.resolve()

  const load = () => {
    items ??= options.storage.load().then(parse, () => [])
    return items
  }
  const mutate = <T>(fn: (list: SpeechRequest[]) => T): Promise<T> => {
    const next = chain.then(async () => {
      const list = await load()
      const result = fn(list)
      await options.storage.save(JSON.stringify({ version: 1, items: list }))
      return result
    })
    chain = next.catch(() => {})
    return next
  }

  return {
    add(item) {
      return mutate((list) => {
        const id = identity(item)
        const at = list.findIndex((x) => identity(x) === id)
        if (at !== -1) list.splice(at, 1)
        list.push(item)
        if (list.length > maxItems) list.splice(0, list.length - maxItems)
      })
    },
    flush() {
      flushing ??= (async () => {
        let sent = 0
        try {
          for (;;) {
            const batch = (await load()).slice(0, batchSize)
            if (batch.length === 0) return sent
            await options.send(batch)
            const ids = new Set(batch.map(identity))
            await mutate((list) => {
              const keep = list.filter((x) => !ids.has(identity(x)))
              list.splice(0, list.length, ...keep)
            })
            sent += batch.length
          }
        } finally {
          flushing = undefined
        }
      })()
      return flushing
    },
    async size() {
      return (await load()).length
    },
    async items() {
      return [...(await load())]
    },
  }
}

/**
 * Storage that lasts as long as the process: the default where nothing else exists.
 *
 * @example
 * createWarmQueue({ storage: memoryQueueStorage(), send })
 */
export function memoryQueueStorage(): QueueStorage {
  let value: string | null = null
  return {
    async load() {
      return value
    },
    async save(next) {
      value = next
    },
  }
}

/**
 * Storage in `localStorage` under `key`.
 *
 * @example
 * createWarmQueue({ storage: localStorageQueueStorage(), send })
 */
export function localStorageQueueStorage(key = 'tts-edge:warm-queue'): QueueStorage {
  return {
    async load() {
      return globalThis.localStorage?.getItem(key) ?? null
    },
    async save(value) {
      globalThis.localStorage?.setItem(key, value)
    },
  }
}

function parse(text: string | null): SpeechRequest[] {
  if (text === null) return []
  try {
    const parsed = JSON.parse(text) as { items?: unknown }
    if (!Array.isArray(parsed.items)) return []
    return parsed.items.filter(
      (x): x is SpeechRequest =>
        typeof x === 'object' && x !== null && typeof (x as SpeechRequest).input === 'string',
    )
  } catch {
    return [] // a damaged queue costs only some warming
  }
}
