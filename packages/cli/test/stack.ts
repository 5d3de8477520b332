/**
 * @module test/stack — the real local stack for end-to-end tests: the XTTS emulator (a Node
 * server) and the edge worker under `wrangler dev` with local storage in a temp dir and its
 * secrets in a generated env file (three keys: speech, speech+voices+admin, and a speech key
 * with a 10-characters-a-day work quota). Everything listens on
 * 127.0.0.1 with ports chosen at run time, and `stop()` ends both process groups.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { sha256Hex } from '@tts/core/crypto'
import { freePort } from '../../../scripts/lib/free-port.mjs'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
export const BIN = join(ROOT, 'packages/cli/src/bin.ts')

/** A running stack. */
export interface Stack {
  edgeUrl: string
  emulatorUrl: string
  /** A key with the speech scope. */
  userKey: string
  /** A key with speech, voices and admin. */
  adminKey: string
  /** A speech key of its own tenant that may synthesize 10 characters a day. */
  quotaKey: string
  stop(): Promise<void>
}

function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = ''
    const timer = setTimeout(() => reject(new Error('no output in time')), timeoutMs)
    child.once('exit', (code) => reject(new Error(`exited early (${code})`)))
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      if (!buffered.includes('\n')) return
      clearTimeout(timer)
      resolve(buffered.split('\n')[0] ?? '')
    })
  })
}

async function waitFor(url: string, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
      if (res.status < 500) return
    } catch {}
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`${url} did not answer in ${timeoutMs / 1000} s:\n${log()}`)
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    return Promise.resolve()
  }
  const pid = child.pid
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      try {
        process.kill(-pid, 'SIGKILL')
      } catch {}
    }, 5000)
    child.once('exit', () => {
      clearTimeout(force)
      resolve()
    })
    try {
      process.kill(-pid, 'SIGTERM')
    } catch {
      resolve()
    }
  })
}

/**
 * Starts the emulator and the edge; about 10 s on a quiet 2-core box.
 *
 * @example
 * const stack = await startStack()
 * afterAll(() => stack.stop())
 */
export async function startStack(): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'tts-cli-e2e-stack-'))
  const emulator = spawn(
    process.execPath,
    [join(ROOT, 'apps/xtts-emulator/src/cli.ts'), '--port', '0', '--ttfb-ms', '0', '--rtf', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  )
  const children: ChildProcess[] = [emulator]
  // The children run in their own process groups, so a test runner killed mid-run (turbo stops
  // the other tasks when one fails) would orphan them; kill them on the way out as well.
  const killAll = () => {
    for (const child of children) {
      try {
        if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL')
      } catch {}
    }
  }
  const onSignal = (signal: NodeJS.Signals) => {
    killAll()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.once('exit', killAll)
  process.once('SIGTERM', onSignal)
  process.once('SIGINT', onSignal)
  const stop = async () => {
    process.off('exit', killAll)
    process.off('SIGTERM', onSignal)
    process.off('SIGINT', onSignal)
    await Promise.all(children.map(stopGroup))
    await rm(dir, { recursive: true, force: true })
  }
  try {
    const line = await firstLine(emulator, 30_000)
    const emulatorUrl = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line)?.[1]
    if (!emulatorUrl) throw new Error(`unexpected emulator line: ${line}`)
    const userKey = `tts_e2e_user_${randomBytes(16).toString('hex')}`
    const adminKey = `tts_e2e_admin_${randomBytes(16).toString('hex')}`
    const quotaKey = `tts_e2e_quota_${randomBytes(16).toString('hex')}`
    const apiKeys = [
      { hash: await sha256Hex(userKey), scopes: ['speech'], tenant: 'e2e' },
      { hash: await sha256Hex(adminKey), scopes: ['speech', 'voices', 'admin'], tenant: 'e2e' },
      {
        hash: await sha256Hex(quotaKey),
        scopes: ['speech'],
        tenant: 'e2e-quota',
        quota: { charsPerDay: 10 },
      },
    ]
    const envFile = join(dir, 'edge.env')
    await writeFile(
      envFile,
      `API_KEYS=${JSON.stringify(apiKeys)}\nCACHE_KEYS=e2e:${randomBytes(32).toString('base64')}\nUPSTREAM_API_KEY=\n`,
      { mode: 0o600 },
    )
    const port = await freePort()
    let edgeLog = ''
    const edge = spawn(
      'pnpm',
      [
        'exec',
        'wrangler',
        'dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--env-file',
        envFile,
        '--var',
        `UPSTREAM_URL:${emulatorUrl}`,
        // The edge's upstream breaker recovers in 2 s (production: 5 min), so a test that took
        // the emulator down leaves the next test a ready edge once /readyz says so.
        '--var',
        `POOL_OPTIONS:${JSON.stringify({ breakerOpenMs: 2000 })}`,
        '--persist-to',
        join(dir, 'state'),
        '--show-interactive-dev-session=false',
      ],
      { cwd: join(ROOT, 'packages/edge'), stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    )
    children.push(edge)
    for (const s of [edge.stdout, edge.stderr]) s?.on('data', (c: Buffer) => (edgeLog += c))
    const edgeUrl = `http://127.0.0.1:${port}`
    await waitFor(`${edgeUrl}/healthz`, 150_000, () => edgeLog)
    return {
      edgeUrl,
      emulatorUrl,
      userKey,
      adminKey,
      quotaKey,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}

/** The outcome of one CLI run. */
export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
  raw: Buffer
}

/**
 * Sets the emulator's faults (`{down: true}` takes it off the network).
 *
 * @example
 * await setFaults(emulatorUrl, { down: true })
 */
export async function setFaults(
  emulatorUrl: string,
  faults: Record<string, unknown>,
): Promise<void> {
  const res = await fetch(`${emulatorUrl}/__faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  })
  if (!res.ok) throw new Error(`__faults answered ${res.status}`)
}

/**
 * Runs the `tts` binary as a child process.
 *
 * @example
 * const { code, stdout } = await tts(['config', 'show'], { env: { TTS_CONFIG_DIR: dir } })
 */
export function tts(
  args: string[],
  options: { env?: Record<string, string>; input?: string; cwd?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NO_COLOR: '1',
        ...options.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    child.once('error', reject)
    child.once('close', (code) => {
      const raw = Buffer.concat(out)
      resolve({
        code,
        stdout: raw.toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        raw,
      })
    })
    child.stdin.end(options.input ?? '')
  })
}
