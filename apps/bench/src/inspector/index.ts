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
  const pending = new Map<number, (result: unknown) => void>()
  ws.addEventListener('message', (event) => {
    const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown }
    if (message.id !== undefined) pending.get(message.id)?.(message.result)
  })
  const call = (method: string, params?: Record<string, unknown>) =>
    new Promise<unknown>((resolve, reject) => {
      const id = next++
      // A profile of a loaded isolate is several MB of JSON: it gets longer to arrive.
      const timer = setTimeout(() => reject(new Error(`${method} timed out`)), 60_000)
      pending.set(id, (result) => {
        clearTimeout(timer)
        pending.delete(id)
        resolve(result)
      })
      ws.send(JSON.stringify({ id, method, ...(params ? { params } : {}) }))
    })
  return {
    heap: async () => {
      const r = (await call('Runtime.getHeapUsage')) as Partial<HeapUsage>
      return { usedSize: r.usedSize ?? Number.NaN, backingStorageSize: r.backingStorageSize ?? 0 }
    },
    send: call,
    close: () => ws.close(),
  }
}
