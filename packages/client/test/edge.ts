/**
 * @module test/edge — starts the real edge worker with `wrangler dev` (workerd, local R2, KV,
 * Queues and Durable Objects in a throwaway directory) on 127.0.0.1, pointed at an upstream,
 * with a fresh API key and cache key ring; and stops it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const EDGE_DIR = fileURLToPath(new URL('../../edge/', import.meta.url))

export interface RunningEdge {
  url: string
  apiKey: string
  stop(): Promise<void>
}

export async function startEdge(
  upstreamUrl: string,
  poolOptions: Record<string, unknown> = {},
): Promise<RunningEdge> {
  const dir = await mkdtemp(join(tmpdir(), 'tts-client-edge-'))
  const apiKey = `tts_client_it_${randomBytes(16).toString('hex')}`
  const hash = createHash('sha256').update(apiKey).digest('hex')
  const apiKeys = JSON.stringify([{ hash, scopes: ['speech'], tenant: 'client-it' }])
  await writeFile(
    join(dir, '.env'),
    `API_KEYS='${apiKeys}'\nCACHE_KEYS=k1:${randomBytes(32).toString('base64')}\nUPSTREAM_API_KEY=\n`,
    { mode: 0o600 },
  )
  const child: ChildProcess = spawn(
    join(EDGE_DIR, 'node_modules', '.bin', 'wrangler'),
    [
      'dev',
      '--config',
      'wrangler.jsonc',
      '--ip',
      '127.0.0.1',
      '--port',
      '0',
      '--inspector-port',
      '0',
      '--env-file',
      join(dir, '.env'),
      '--var',
      `UPSTREAM_URL:${upstreamUrl}`,
      '--var',
      `POOL_OPTIONS:${JSON.stringify(poolOptions)}`,
      '--persist-to',
      join(dir, 'state'),
      '--show-interactive-dev-session=false',
    ],
    {
      cwd: EDGE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, NO_COLOR: '1' },
    },
  )
  let log = ''
  const onData = (d: Buffer) => {
    log += String(d)
  }
  child.stdout?.on('data', onData)
  child.stderr?.on('data', onData)
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`edge did not start in 90 s:\n${log.slice(-2000)}`)),
      90_000,
    )
    const check = () => {
      const match = /Ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(log)
      if (match) {
        clearTimeout(timer)
        resolve(match[1] as string)
      }
    }
    child.stdout?.on('data', check)
    child.stderr?.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`wrangler dev exited with ${code}:\n${log.slice(-2000)}`))
    })
  })
  return {
    url,
    apiKey,
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = once(child, 'exit')
        process.kill(-child.pid, 'SIGTERM') // wrangler and the workerd it started
        await exited
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
}
