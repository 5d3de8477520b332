/**
 * @module global-setup — starts the real XTTS emulator (a Node HTTP server on loopback) once
 * for the edge's workerd test run, hands its URL to the tests, and stops it afterwards.
 * Runs in Node, not workerd: the worker under test reaches the emulator over the network,
 * exactly as it reaches a GPU server in production.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'

const CLI = fileURLToPath(new URL('../../../apps/xtts-emulator/src/cli.ts', import.meta.url))
const READY = /^xtts-emulator listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/

declare module 'vitest' {
  export interface ProvidedContext {
    /** Emulators only the pool tests use. */
    poolUpstreamUrls: string[]
    /** An emulator serving the real-sized `/studio_speakers`. */
    realSpeakersUrl: string
  }
}

const children: ChildProcess[] = []

/** Spawns one emulator with no artificial latency and waits for its "listening" line. */
async function startEmulator(extra: string[] = []): Promise<string> {
  const args = [CLI, '--port', '0', '--ttfb-ms', '0', '--rtf', '0', ...extra]
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(proc)
  return new Promise<string>((resolve, reject) => {
    let buffered = ''
    const timer = setTimeout(
      () => reject(new Error('the XTTS emulator did not start in 30 s')),
      30_000,
    )
    proc.once('exit', (code) => reject(new Error(`the XTTS emulator exited early (code ${code})`)))
    proc.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      const line = buffered.split('\n')[0] ?? ''
      if (!buffered.includes('\n')) return
      const match = READY.exec(line)
      clearTimeout(timer)
      if (match?.[1]) resolve(match[1])
      else reject(new Error(`unexpected first line from the XTTS emulator: ${line}`))
    })
  })
}

/**
 * Starts the emulator every test shares, two more that only the pool tests use (their faults
 * and counters never disturb the others): failover needs two upstreams, and one serving the
 * real-sized `/studio_speakers` (~37 MB) for the latents test.
 */
export async function setup(project: TestProject): Promise<void> {
  if (!existsSync(CLI)) {
    // Unit tests (encoders, auth, ...) still run; every integration test fails loudly instead.
    console.warn(`[edge tests] the XTTS emulator is missing (${CLI}); integration tests will fail`)
    project.provide('upstreamUrl', '')
    project.provide('poolUpstreamUrls', [])
    project.provide('realSpeakersUrl', '')
    return
  }
  const [shared, a, b, real] = await Promise.all([
    startEmulator(),
    startEmulator(),
    startEmulator(),
    startEmulator(['--studio-speakers', 'real']),
  ])
  project.provide('upstreamUrl', shared ?? '')
  project.provide('poolUpstreamUrls', [a ?? '', b ?? ''])
  project.provide('realSpeakersUrl', real ?? '')
}

/** Stops the emulators this setup started. */
export async function teardown(): Promise<void> {
  await Promise.all(
    children.map(
      (proc) =>
        new Promise<void>((resolve) => {
          if (proc.exitCode !== null) return resolve()
          proc.once('exit', () => resolve())
          proc.kill('SIGTERM')
          setTimeout(() => proc.kill('SIGKILL'), 5000).unref()
        }),
    ),
  )
}
