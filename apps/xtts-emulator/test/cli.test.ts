import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url))
const READY = /^xtts-emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const firstLine = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no first line in 30 s; stderr: ${stderr}`)),
      30_000,
    )
    const check = () => {
      if (stdout.includes('\n')) {
        clearTimeout(timer)
        resolve(stdout.split('\n')[0] ?? '')
      }
    }
    child.stdout.on('data', check)
    void exited.then(() => {
      clearTimeout(timer)
      resolve(stdout.split('\n')[0] ?? '')
    })
  })
  return { child, firstLine, exited, output: () => ({ stdout, stderr }) }
}

describe('cli', () => {
  it('prints its URL first, takes flags and env (faults as JSON), and stops on SIGTERM', async () => {
    const proc = run(['--port', '0', '--ttfb-ms', '0', '--rtf', '0', '--api-key', 'k-1'], {
      XTTS_EMULATOR_FAULTS: '{"rateLimit":{"retryAfterS":3}}',
      XTTS_EMULATOR_RTF: '5', // the flag wins
    })
    const line = await proc.firstLine
    const url = READY.exec(line)?.[1]
    expect(url, line).toBeDefined()
    const unauthorized = await fetch(`${url}/languages`)
    expect(unauthorized.status).toBe(401)
    const limited = await fetch(`${url}/languages`, { headers: { authorization: 'Bearer k-1' } })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('3')
    const config = await (await fetch(`${url}/__config`)).json()
    expect(config).toEqual({ ttfbMs: 0, rtf: 0 })
    proc.child.kill('SIGTERM')
    expect(await proc.exited).toBe(0)
  })

  it('says what is wrong with a bad flag and exits 2', async () => {
    const proc = run(['--rtf', 'fast'])
    expect(await proc.exited).toBe(2)
    expect(proc.output().stderr).toMatch(/--rtf must be a number, got 'fast'/)
    const faults = run(['--faults', '{"errorRate":5}'])
    expect(await faults.exited).toBe(2)
    expect(faults.output().stderr).toMatch(/errorRate must be a number from 0 to 1/)
    const speakers = run([], { XTTS_EMULATOR_STUDIO_SPEAKERS: 'huge' })
    expect(await speakers.exited).toBe(2)
    expect(speakers.output().stderr).toMatch(/--studio-speakers must be small or real, got 'huge'/)
  })
})
