/**
 * @module services/floor — the runtime's floor for a cache hit: a worker that answers every
 * request with the same bytes from memory and does nothing else, under the same `wrangler dev`
 * (same wrangler, same workerd, same compatibility date) as the edge. Whatever a hit costs over
 * this is our own per-hit work; what this costs over nginx is the runtime's, which no code of
 * ours can remove under `wrangler dev`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import ts from 'typescript'
import { freePort, HOST, type ProcessSet, type Started, waitForHttp } from '../procs/index.ts'

/** A running floor worker. */
export interface Floor {
  url: string
  compatibilityDate: string
}

/** The edge's compatibility date, so the floor runs on the very same runtime behaviour. */
function edgeCompatibilityDate(edgeDir: string): string {
  const source = join(edgeDir, 'wrangler.jsonc')
  const parsed = ts.parseConfigFileTextToJson(source, readFileSync(source, 'utf8'))
  const date = (parsed.config as { compatibility_date?: unknown } | undefined)?.compatibility_date
  if (typeof date !== 'string') throw new Error(`no compatibility_date in ${source}`)
  return date
}

/**
 * Starts the floor worker answering `body` with `contentType` to every request.
 *
 * @example
 * const floor = await startFloor(procs, root, tmp, wavBytes, 'audio/wav')
 */
export async function startFloor(
  procs: ProcessSet,
  root: string,
  tmp: string,
  body: Uint8Array,
  contentType: string,
): Promise<Floor> {
  const edgeDir = join(root, 'packages/edge')
  const compatibilityDate = edgeCompatibilityDate(edgeDir)
  // Its own directory: wrangler dev watches the script's directory and would reload forever
  // on the state it writes beside it.
  const dir = join(tmp, 'floor-worker')
  mkdirSync(dir, { recursive: true })
  const script = join(dir, 'floor.mjs')
  // The bytes live in the module, decoded once per isolate: a request does nothing but answer.
  writeFileSync(
    script,
    [
      `const BYTES = Uint8Array.from(atob(${JSON.stringify(Buffer.from(body).toString('base64'))}), (c) => c.charCodeAt(0))`,
      'export default {',
      '  async fetch(request) {',
      '    await request.arrayBuffer()',
      `    return new Response(BYTES, { headers: { 'content-type': ${JSON.stringify(contentType)} } })`,
      '  },',
      '}',
      '',
    ].join('\n'),
  )
  const config = join(dir, 'wrangler.json')
  writeFileSync(
    config,
    JSON.stringify({
      name: 'tts-bench-floor',
      main: script,
      compatibility_date: compatibilityDate,
    }),
  )
  const port = await freePort()
  const wrangler = join(edgeDir, 'node_modules/wrangler/bin/wrangler.js')
  const started: Started = procs.start(
    'floor',
    process.execPath,
    [
      wrangler,
      'dev',
      '--no-bundle',
      '--config',
      config,
      '--ip',
      HOST,
      '--port',
      String(port),
      '--inspector-port',
      String(await freePort()),
      '--persist-to',
      join(tmp, 'floor-state'),
      '--show-interactive-dev-session=false',
    ],
    { cwd: tmp, env: { WRANGLER_SEND_METRICS: 'false', CI: 'true' } },
  )
  const url = `http://${HOST}:${port}`
  await Promise.race([
    waitForHttp(url, 180_000),
    started.exited.then(() => {
      throw new Error(`wrangler dev (floor) exited while starting:\n${started.tail()}`)
    }),
  ])
  return { url, compatibilityDate }
}
