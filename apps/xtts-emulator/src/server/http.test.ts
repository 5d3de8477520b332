import { once } from 'node:events'
import { createServer } from 'node:http'
import { type AddressInfo, connect } from 'node:net'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createBodyWriter, sleep } from './http.ts'

describe('sleep', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('resolves a wait of 0 ms or less without a timer', async () => {
    const done = vi.fn()
    void sleep(0).then(done)
    void sleep(-25).then(done)
    await Promise.resolve()
    await Promise.resolve()
    expect(done).toHaveBeenCalledTimes(2)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('rejects with the reason when the signal has already aborted, even for 0 ms', async () => {
    const signal = AbortSignal.abort(new Error('gone'))
    await expect(sleep(0, signal)).rejects.toThrow('gone')
    await expect(sleep(100, signal)).rejects.toThrow('gone')
  })

  it('waits the time, or stops early with the reason when the signal aborts', async () => {
    const done = vi.fn()
    void sleep(100).then(done)
    await vi.advanceTimersByTimeAsync(99)
    expect(done).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(done).toHaveBeenCalledOnce()

    const controller = new AbortController()
    const cut = sleep(10_000, controller.signal)
    controller.abort(new Error('client left'))
    await expect(cut).rejects.toThrow('client left')
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('createBodyWriter', () => {
  it('stops a producer whose caller left while a write waited on a full socket', async () => {
    // Each write is larger than the socket buffers, so one waits while nobody reads; then the
    // caller goes away. The writer must say so, not wait for a callback that never comes.
    const chunk = new Uint8Array(4 * 1024 * 1024)
    let ended: boolean | undefined
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      const body = createBodyWriter(res, null)
      void (async () => {
        while (await body.write(chunk)) {}
        ended = true
      })()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const socket = connect(port, '127.0.0.1')
      socket.write(`GET / HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n\r\n`)
      await once(socket, 'data')
      socket.pause()
      // Let the server's first write fill the buffers and wait.
      await new Promise((r) => setTimeout(r, 200))
      socket.destroy()
      const until = Date.now() + 4000
      while (ended === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
      expect(ended).toBe(true)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
