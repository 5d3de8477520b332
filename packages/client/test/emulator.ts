/**
 * @module test/emulator — starts the real XTTS emulator as a child process (its CLI, never an
 * import of the app), reads its URL from the first stdout line, and stops it.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../../../apps/xtts-emulator/src/cli.ts', import.meta.url))

export interface RunningEmulator {
  url: string
  stats(): Promise<{ requests: Record<string, number>; syntheses: number }>
  faults(f: Record<string, unknown>): Promise<void>
  stop(): Promise<void>
}

export async function startEmulatorProcess(args: string[] = []): Promise<RunningEmulator> {
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, '--port', '0', '--ttfb-ms', '0', '--rtf', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let stderr = ''
  child.stderr?.on('data', (d) => {
    stderr += String(d)
  })
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${stderr}`)), 30_000)
    child.stdout?.on('data', (d) => {
      out += String(d)
      const match = /xtts-emulator listening on (http:\/\/\S+)/.exec(out)
      if (match) {
        clearTimeout(timer)
        resolve(match[1] as string)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`emulator exited with ${code}: ${stderr}`))
    })
  })
  return {
    url,
    async stats() {
      return (await fetch(`${url}/__stats`)).json() as never
    },
    async faults(f) {
      const res = await fetch(`${url}/__faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(f),
      })
      if (!res.ok) throw new Error(`setting faults failed: ${res.status}`)
    },
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await once(child, 'exit')
    },
  }
}
