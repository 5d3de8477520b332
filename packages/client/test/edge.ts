/**
 * @module test/edge — starts the real edge worker with wrangler's `unstable_startWorker`
 * (workerd, with local R2, KV, Queues and Durable Objects in a throwaway directory) on
 * 127.0.0.1, port 0, pointed at an upstream, with a fresh API key and cache key ring; and stops
 * it. File watching is off, so teammates editing the edge cannot reload it mid-test. wrangler is
 * the edge's dependency: it is loaded from there, not added to the client.
 * TTS_CLIENT_EDGE_LOG=1 shows the worker's own log lines.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { sha256Hex } from '@tts/core/crypto'

const EDGE_DIR = fileURLToPath(new URL('../../edge/', import.meta.url))

export interface RunningEdge {
  url: string
  apiKey: string
  /** A speech key whose work quota is 10 characters a day: any longer miss is refused (429). */
  quotaKey: string
  stop(): Promise<void>
}

interface StartedWorker {
  url: Promise<URL>
  dispose(): Promise<void>
}

type StartWorker = (input: Record<string, unknown>) => Promise<StartedWorker>

export async function startEdge(
  upstreamUrl: string,
  poolOptions: Record<string, unknown> = {},
  /** More plain-text bindings (e.g. `TOKEN_KEYS`). */
  vars: Record<string, string> = {},
): Promise<RunningEdge> {
  const dir = await mkdtemp(join(tmpdir(), 'tts-client-edge-'))
  const apiKey = `tts_client_it_${randomBytes(16).toString('hex')}`
  const hash = await sha256Hex(apiKey)
  const quotaKey = `tts_client_it_quota_${randomBytes(16).toString('hex')}`
  const keys = [
    { hash, scopes: ['speech'], tenant: 'client-it' },
    {
      hash: await sha256Hex(quotaKey),
      scopes: ['speech'],
      tenant: 'client-it-quota',
      quota: { charsPerDay: 10 },
    },
  ]
  const text = (value: string) => ({ type: 'plain_text', value })
  const wrangler = createRequire(join(EDGE_DIR, 'package.json')).resolve('wrangler')
  const { unstable_startWorker } = (await import(pathToFileURL(wrangler).href)) as {
    unstable_startWorker: StartWorker
  }
  const worker = await unstable_startWorker({
    config: join(EDGE_DIR, 'wrangler.jsonc'),
    bindings: {
      UPSTREAM_URL: text(upstreamUrl),
      POOL_OPTIONS: text(JSON.stringify(poolOptions)),
      API_KEYS: text(JSON.stringify(keys)),
      CACHE_KEYS: text(`k1:${randomBytes(32).toString('base64')}`),
      UPSTREAM_API_KEY: text(''),
      ...Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, text(v)])),
    },
    dev: {
      watch: false,
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      persist: join(dir, 'state'),
      logLevel: process.env.TTS_CLIENT_EDGE_LOG ? 'info' : 'none',
    },
  })
  const url = String(await worker.url).replace(/\/$/, '')
  return {
    url,
    apiKey,
    quotaKey,
    async stop() {
      await worker.dispose()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
