/**
 * scripts/stack.mjs, the engine of `make dev`: a busy port is refused with a clear message before
 * anything starts, everything it started is gone after stop(), and a second run on the same
 * storage answers from the cache the first run filled.
 */
import { execFileSync } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
// @ts-expect-error plain JavaScript, shared with `make dev`.
import { PortInUseError } from '../../../scripts/stack.mjs'
import { lineBuffer, type Stack, startStack, tempDir } from './helpers.ts'

const dir = tempDir('tts-stack-')
afterAll(() => dir.remove())

const options = () => ({
  ports: { emulator: 0, edge: 0 },
  demo: false,
  persistTo: join(dir.path, 'state'),
  secretsFile: join(dir.path, 'dev.vars'),
  emulator: { ttfbMs: 100 },
})

async function speak(edge: string, apiKey: string | undefined) {
  const res = await fetch(`${edge}/v1/audio/speech`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'xtts-v2',
      input: 'Le cache survit au redémarrage.',
      voice: 'alloy',
    }),
  })
  const bytes = (await res.arrayBuffer()).byteLength
  return { status: res.status, cache: res.headers.get('x-tts-cache'), bytes }
}

/** Processes whose command line mentions `needle` (our temporary directory is unique). */
function processesWith(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
  return out.split('\n').filter((line) => line.includes(needle) && !line.includes('ps -eo'))
}

/** What is left of a stopped stack: wrangler and workerd name our directory, the emulator its port. */
function leftovers(stack: Stack): string[] {
  const port = new URL(stack.urls.emulator).port
  return [...processesWith(dir.path), ...processesWith(`--port ${port}`)]
}

describe('startStack', () => {
  it('refuses a port in use, naming it, before starting anything', async () => {
    const server: Server = createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    try {
      const attempt = startStack({ ...options(), ports: { emulator: 0, edge: port } })
      await expect(attempt).rejects.toBeInstanceOf(PortInUseError)
      await expect(attempt).rejects.toThrow(`port ${port} (edge) is already in use`)
      expect(processesWith(dir.path)).toEqual([])
    } finally {
      server.close()
    }
  })

  it('keeps the edge cache across a restart and leaves no process behind', async () => {
    const logs = lineBuffer()
    const first = await startStack({ ...options(), log: logs.log })
    let answer: Awaited<ReturnType<typeof speak>>
    try {
      answer = await speak(first.urls.edge, first.apiKey)
      // The check below can see them: the emulator and wrangler's processes while running.
      expect(leftovers(first).length).toBeGreaterThanOrEqual(2)
    } finally {
      await first.stop()
    }
    expect(answer, logs.text()).toMatchObject({ status: 200, cache: 'MISS' })
    expect(answer.bytes).toBeGreaterThan(1000)
    expect(leftovers(first)).toEqual([])

    const second = await startStack({ ...options(), log: logs.log })
    try {
      expect(second.apiKey).toBe(first.apiKey)
      expect(await speak(second.urls.edge, second.apiKey)).toMatchObject({
        status: 200,
        cache: 'HIT',
      })
    } finally {
      await second.stop()
    }
    expect(leftovers(second)).toEqual([])
  })
})
