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

let child: ChildProcess | undefined

/** Spawns the emulator with no artificial latency and waits for its "listening" line. */
export async function setup(project: TestProject): Promise<void> {
  if (!existsSync(CLI)) {
    // Unit tests (encoders, auth, ...) still run; every integration test fails loudly instead.
    console.warn(`[edge tests] the XTTS emulator is missing (${CLI}); integration tests will fail`)
    project.provide('upstreamUrl', '')
    return
  }
  const proc = spawn(process.execPath, [CLI, '--port', '0', '--ttfb-ms', '0', '--rtf', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  child = proc
  const url = await new Promise<string>((resolve, reject) => {
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
  project.provide('upstreamUrl', url)
}

/** Stops the emulator this setup started. */
export async function teardown(): Promise<void> {
  const proc = child
  if (!proc || proc.exitCode !== null) return
  await new Promise<void>((resolve) => {
    proc.once('exit', () => resolve())
    proc.kill('SIGTERM')
    setTimeout(() => proc.kill('SIGKILL'), 5000).unref()
  })
}
