/**
 * @module inspector — the worker isolate's own heap, read over the DevTools protocol that
 * `wrangler dev --inspector-port` exposes: `Runtime.getHeapUsage` gives the JS heap in use and
 * the bytes of ArrayBuffer backing stores (where audio lives), which the process RSS blurs.
 * wrangler's inspector proxy accepts only DevTools origins, hence the Origin header.
 */

/** One reading of the isolate's heap, in bytes. */
export interface HeapUsage {
  usedSize: number
  backingStorageSize: number
}

/** A DevTools session with the worker isolate. */
export interface IsolateInspector {
  heap(): Promise<HeapUsage>
  /**
   * A full garbage collection, then the heap: what is retained. `HeapProfiler.collectGarbage`
   * when the runtime answers it, else a heap snapshot (V8 collects garbage before taking one;
   * its chunks are read and dropped). Says which way it went.
   */
  retained(): Promise<HeapUsage & { how: 'collectGarbage' | 'heapSnapshot' }>
  /** Any DevTools method (`Profiler.start`, ...), with its parameters. */
  send(method: string, params?: Record<string, unknown>): Promise<unknown>
  close(): void
}

/**
 * Connects to the worker behind wrangler's inspector port.
 *
 * @example
 * const inspector = await connectInspector('http://127.0.0.1:9229')
 * const { usedSize } = await inspector.heap()
 */
export async function connectInspector(base: string): Promise<IsolateInspector> {
  const targets = (await (await fetch(`${base}/json`)).json()) as Array<{
    webSocketDebuggerUrl: string
  }>
  const url = targets[0]?.webSocketDebuggerUrl
  if (!url) throw new Error(`no worker target at ${base}/json`)
  // Node's WebSocket (undici) takes headers in its second argument; the DOM typing does not say so.
  const Ws = WebSocket as unknown as new (
    url: string,
    init: { headers: Record<string, string> },
  ) => WebSocket
  const ws = new Ws(url, { headers: { origin: 'https://devtools.devprod.cloudflare.dev' } })
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true })
    ws.addEventListener('error', () => reject(new Error(`cannot open ${url}`)), { once: true })
  })
  let next = 1
  const pending = new Map<number, (result: unknown, error?: unknown) => void>()
  ws.addEventListener('message', (event) => {
    // Snapshot chunks (HeapProfiler.addHeapSnapshotChunk) carry no id and are dropped here.
    const message = JSON.parse(String(event.data)) as {
      id?: number
      result?: unknown
      error?: unknown
    }
    if (message.id !== undefined) pending.get(message.id)?.(message.result, message.error)
  })
  const call = (method: string, params?: Record<string, unknown>, timeoutMs = 60_000) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next++
      const timer = setTimeout(() => {
        pending.delete(id)
        reject(new Error(`${method} timed out`))
      }, timeoutMs)
      pending.set(id, (result, error) => {
        clearTimeout(timer)
        pending.delete(id)
        if (error) reject(new Error(`${method}: ${JSON.stringify(error)}`))
        else resolve(result)
      })
      ws.send(JSON.stringify({ id, method, ...(params ? { params } : {}) }))
    })
  const heap = async () => {
    const r = (await call('Runtime.getHeapUsage')) as Partial<HeapUsage>
    return { usedSize: r.usedSize ?? Number.NaN, backingStorageSize: r.backingStorageSize ?? 0 }
  }
  let gcAnswered: boolean | undefined
  return {
    heap,
    async retained() {
      if (gcAnswered !== false) {
        try {
          await call('HeapProfiler.collectGarbage', undefined, 5_000)
          gcAnswered = true
          return { ...(await heap()), how: 'collectGarbage' as const }
        } catch {
          gcAnswered = false
        }
      }
      await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, 120_000)
      return { ...(await heap()), how: 'heapSnapshot' as const }
    },
    send: call,
    close: () => ws.close(),
  }
}
