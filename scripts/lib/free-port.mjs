/**
 * @module free-port — a loopback port the system considers free right now, for the dev stack
 * (scripts/stack.mjs), the benchmarks (apps/bench) and the CLI's tests, which all start servers
 * on ports chosen at run time. Plain JavaScript so that scripts run by Node without a build can
 * use it; types in free-port.d.mts.
 */
import { createServer } from 'node:net'

/**
 * Asks the system for a free port on `host` (default 127.0.0.1) and releases it at once.
 *
 * @example
 * const port = await freePort()
 */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
