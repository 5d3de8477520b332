/**
 * @module procs — the processes a benchmark run starts (emulators, the edge under `wrangler
 * dev`, nginx), each in a process group of its own, so `stopAll()` ends wrangler's workerd and
 * nginx's workers too. The run calls `stopAll()` in a `finally` and on SIGINT/SIGTERM, so nothing
 * outlives it, whatever happened.
 */
import { type ChildProcess, spawn } from 'node:child_process'

// Shared with the dev stack (scripts/stack.mjs), which runs without a build: hence plain .mjs.
export { freePort } from '../../../../scripts/lib/free-port.mjs'
export { waitForHttp } from '../../../../scripts/lib/wait-http.mjs'

/** The only address anything here listens on or targets. */
export const HOST = '127.0.0.1'

/** A started process: its group id is its pid (it was spawned detached). */
export interface Started {
  name: string
  child: ChildProcess
  exited: Promise<void>
  /** The last lines it printed, for error messages. */
  tail(): string
}

/** Every process one run started. */
export interface ProcessSet {
  start(
    name: string,
    command: string,
    args: readonly string[],
    options?: { cwd?: string; env?: Record<string, string> },
  ): Started
  /** Resolves with the first output line that matches, rejects on exit or timeout. */
  waitForLine(started: Started, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>
  /** The last lines of each running process, for a failure report. */
  tails(): string
  /** SIGTERM to every group, SIGKILL after `graceMs`; resolves when all have exited. */
  stopAll(graceMs?: number): Promise<void>
}

/**
 * @example
 * const procs = createProcessSet()
 * try { const p = procs.start('emulator', process.execPath, ['cli.ts']) } finally { await procs.stopAll() }
 */
export function createProcessSet(): ProcessSet {
  const all: Started[] = []
  const listeners = new Map<Started, Array<(line: string) => void>>()

  const signalGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
    if (child.pid === undefined) return
    try {
      process.kill(-child.pid, signal)
    } catch {
      // the group is gone already
    }
  }

  return {
    start(name, command, args, options = {}) {
      const child = spawn(command, args, {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      })
      const lines: string[] = []
      const exited = new Promise<void>((done) => {
        child.once('exit', () => done())
        child.once('error', () => done())
      })
      const started: Started = { name, child, exited, tail: () => lines.slice(-15).join('\n') }
      listeners.set(started, [])
      for (const stream of [child.stdout, child.stderr]) {
        let pending = ''
        stream?.setEncoding('utf8')
        stream?.on('data', (chunk: string) => {
          pending += chunk
          const parts = pending.split('\n')
          pending = parts.pop() ?? ''
          for (const line of parts) {
            lines.push(line)
            if (lines.length > 200) lines.shift()
            for (const listener of listeners.get(started) ?? []) listener(line)
          }
        })
      }
      all.push(started)
      return started
    },

    waitForLine(started, pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(
              `${started.name} printed nothing matching ${pattern} within ${timeoutMs / 1000} s:\n${started.tail()}`,
            ),
          )
        }, timeoutMs)
        const own = listeners.get(started) ?? []
        own.push((line) => {
          const match = pattern.exec(line)
          if (match) {
            clearTimeout(timer)
            resolve(match)
          }
        })
        void started.exited.then(() => {
          clearTimeout(timer)
          reject(new Error(`${started.name} exited while starting:\n${started.tail()}`))
        })
      })
    },

    tails() {
      return all.map((s) => `--- ${s.name} (last lines)\n${s.tail()}`).join('\n')
    },

    async stopAll(graceMs = 5000) {
      for (const s of all) signalGroup(s.child, 'SIGTERM')
      const force = setTimeout(() => {
        for (const s of all) signalGroup(s.child, 'SIGKILL')
      }, graceMs)
      await Promise.all(all.map((s) => s.exited))
      clearTimeout(force)
      // Stragglers of a group whose leader exited first (workerd under wrangler, nginx workers).
      for (const s of all) signalGroup(s.child, 'SIGKILL')
      all.length = 0
    },
  }
}
