/**
 * @module services/edge — the edge worker under `wrangler dev`: workerd with local R2/KV/Queue/
 * DO storage in a fresh directory, so every run starts with an empty cache. The worker is
 * bundled once first (`wrangler deploy --dry-run`, what would be deployed) and served from that
 * copy with `--no-bundle`: `wrangler dev` reloads on source changes, which would cut requests
 * mid-run while the tree is being edited, and measure a moving target. Its secrets (one
 * API key, the cache key ring) are generated per run into a private env file in the run's temp
 * directory and never printed.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { sha256Hex } from '@tts/core/crypto'
import ts from 'typescript'
import { freePort, HOST, type ProcessSet, type Started, waitForHttp } from '../procs/index.ts'

/** A running edge. */
export interface Edge {
  url: string
  apiKey: string
  /** wrangler's DevTools endpoint for the worker isolate. */
  inspectorUrl: string
  /** The per-key rate limits of wrangler.jsonc, which the bench lifts (see `benchConfig`). */
  rateLimits: unknown
  /** Bytes of the bundled worker script (uncompressed). */
  bundleBytes: number
  /**
   * wrangler dev's workerd processes (for memory readings): `worker` runs the worker; `proxy` is
   * wrangler's own proxy in front of it, which owns the public port.
   */
  workerd(): { worker: number[]; proxy: number[] }
}

/** Pids of the processes in process group `pgid` whose command name is `comm`. */
export function pidsInGroup(pgid: number, comm: string): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      // comm is in parentheses and may hold spaces; the fields after it are space-separated.
      const close = stat.lastIndexOf(')')
      const name = stat.slice(stat.indexOf('(') + 1, close)
      const fields = stat.slice(close + 2).split(' ')
      if (Number(fields[2]) === pgid && name === comm) out.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return out
}

/**
 * How the edge's per-key rate-limit binding is set up: `lifted` keeps it bound (every request
 * is still counted by it, in batches: packages/edge/src/auth/rate.ts) with a limit no load test reaches; `unbound` drops it, so a hit's cost can be
 * read without wrangler's local stand-in for it (a JSON round trip to a Durable Object that
 * writes SQLite per call, where production's binding counts in memory on the machine).
 */
export type RateLimitSetup = 'lifted' | 'unbound'

/**
 * The edge's wrangler.jsonc as JSON in `dir`, with its per-key rate limits lifted (or unbound,
 * see {@link RateLimitSetup}): one key sending a load test's hundreds of requests per second
 * would measure 429s, not serving. Every other setting is the project's. (TypeScript's parser
 * reads the JSONC; it is already here.)
 */
function benchConfig(
  edgeDir: string,
  dir: string,
  setup: RateLimitSetup,
): { path: string; rateLimits: unknown } {
  const source = join(edgeDir, 'wrangler.jsonc')
  const parsed = ts.parseConfigFileTextToJson(source, readFileSync(source, 'utf8'))
  if (parsed.error || typeof parsed.config !== 'object') {
    throw new Error(
      `cannot read ${source}: ${ts.flattenDiagnosticMessageText(parsed.error?.messageText, '\n')}`,
    )
  }
  const config = parsed.config as Record<string, unknown>
  const rateLimits = config.ratelimits
  if (setup === 'unbound') delete config.ratelimits
  else if (Array.isArray(rateLimits)) {
    config.ratelimits = rateLimits.map((r: { simple?: { period?: number } }) => ({
      ...r,
      simple: { ...r.simple, limit: 1_000_000_000 },
    }))
  }
  delete config.$schema
  const path = join(dir, 'wrangler.json')
  writeFileSync(path, JSON.stringify(config, null, 2))
  return { path, rateLimits: rateLimits ?? null }
}

/**
 * Starts the edge against `upstreamUrl`. A second edge of a run (`rateLimits: 'unbound'`) keeps
 * its config, secrets and storage in its own directory and serves the bundle the first built.
 *
 * @example
 * const edge = await startEdge(procs, root, tmp, emulator.url)
 */
export async function startEdge(
  procs: ProcessSet,
  root: string,
  tmp: string,
  upstreamUrl: string,
  rateLimits: RateLimitSetup = 'lifted',
): Promise<Edge> {
  const dir = rateLimits === 'lifted' ? tmp : join(tmp, `edge-${rateLimits}`)
  mkdirSync(dir, { recursive: true })
  const apiKey = `tts_bench_${randomBytes(18).toString('base64url')}`
  const hash = await sha256Hex(apiKey)
  const envFile = join(dir, 'edge.env')
  writeFileSync(
    envFile,
    [
      `API_KEYS=${JSON.stringify([{ hash, scopes: ['speech', 'voices', 'admin'], tenant: 'bench' }])}`,
      `CACHE_KEYS=bench1:${randomBytes(32).toString('base64')}`,
      'UPSTREAM_API_KEY=',
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  const port = await freePort()
  const inspectorPort = await freePort()
  const edgeDir = join(root, 'packages/edge')
  const wrangler = join(edgeDir, 'node_modules/wrangler/bin/wrangler.js')
  const build = join(tmp, 'edge-build')
  const script = join(build, 'index.js')
  if (!existsSync(script)) await bundle(wrangler, edgeDir, build)
  const config = benchConfig(edgeDir, dir, rateLimits)
  const started: Started = procs.start(
    rateLimits === 'lifted' ? 'edge' : `edge-${rateLimits}`,

    process.execPath,
    [
      wrangler,
      'dev',
      script,
      '--no-bundle',
      '--config',
      config.path,
      '--ip',
      HOST,
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--var',
      `UPSTREAM_URL:${upstreamUrl}`,
      // One line per request would cost the hit path console I/O nginx (access_log off) is spared.
      '--var',
      'LOG_LEVEL:warn',
      '--persist-to',
      join(dir, 'wrangler-state'),
      '--env-file',
      envFile,
      '--show-interactive-dev-session=false',
    ],
    { cwd: edgeDir, env: { WRANGLER_SEND_METRICS: 'false', CI: 'true' } },
  )
  const url = `http://${HOST}:${port}`
  await Promise.race([
    waitForHttp(`${url}/healthz`, 180_000),
    started.exited.then(() => {
      throw new Error(`wrangler dev exited while starting:\n${started.tail()}`)
    }),
  ])
  return {
    url,
    apiKey,
    bundleBytes: statSync(script).size,
    rateLimits: rateLimits === 'lifted' ? config.rateLimits : null,
    inspectorUrl: `http://${HOST}:${inspectorPort}`,
    workerd: () => {
      const pids = started.child.pid === undefined ? [] : pidsInGroup(started.child.pid, 'workerd')
      const ownsPort = (pid: number) => {
        try {
          const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          return args.includes(`entry=${HOST}:${port}`)
        } catch {
          return false
        }
      }
      return { worker: pids.filter((p) => !ownsPort(p)), proxy: pids.filter(ownsPort) }
    },
  }
}

/** Bundles the worker as `wrangler deploy` would, into `outdir`. */
async function bundle(wrangler: string, edgeDir: string, outdir: string): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [wrangler, 'deploy', '--dry-run', '--outdir', outdir],
    {
      cwd: edgeDir,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true' },
      timeout: 180_000,
    },
  )
}
