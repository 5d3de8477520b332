/**
 * The interactive setup in a real terminal: `tts setup` runs inside tmux (a private server
 * socket), keys are typed into it, and the screen is read back. Skipped where tmux is missing.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { uniqueSentence } from '@tts/core/testing'
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { BIN, tts } from './stack.ts'

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0
const socket = `tts-cli-test-${process.pid}`
const tmux = (...args: string[]) =>
  execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' })
const screen = (target = 'setup') => tmux('capture-pane', '-p', '-t', target, '-S', '-100')

async function waitForScreen(
  pattern: RegExp,
  timeoutMs = 30_000,
  target = 'setup',
): Promise<string> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const text = screen(target)
    if (pattern.test(text)) return text
    if (Date.now() > deadline) throw new Error(`screen never showed ${pattern}:\n${text}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

function type(text: string, enter = true) {
  tmux('send-keys', '-t', 'setup', '-l', text)
  if (enter) tmux('send-keys', '-t', 'setup', 'Enter')
}

describe.skipIf(!hasTmux)('tts setup in a terminal (tmux)', () => {
  const stack = inject('stack')
  let home: string
  let env: string

  // Each test has a home of its own and its own tmux sessions: neither depends on the other.
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'tts-cli-tty-'))
    env = `TTS_CONFIG_DIR=${home}/config TTS_CACHE_DIR=${home}/cache NO_COLOR=1`
  })

  afterEach(async () => {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' })
    await rm(home, { recursive: true, force: true })
  })

  it('asks each question, re-asks on bad input, hides the key, checks it and saves', async () => {
    tmux(
      'new-session',
      '-d',
      '-s',
      'setup',
      '-x',
      '110',
      '-y',
      '45',
      `env ${env} ${process.execPath} ${BIN} setup; sleep 30`,
    )
    await waitForScreen(/Edge endpoint/)
    for (let i = 0; i < 10; i++) tmux('send-keys', '-t', 'setup', 'BSpace')
    type('http://tts.example.com')
    await waitForScreen(/HTTPS required/)
    for (let i = 0; i < 30; i++) tmux('send-keys', '-t', 'setup', 'BSpace')
    type(stack.edgeUrl)
    await waitForScreen(/API key/)
    type(stack.userKey)
    await waitForScreen(/accepted the key[\s\S]*Timeout per request/)
    type('') // keep the default
    await waitForScreen(/Retries/)
    type('')
    await waitForScreen(/Local cache TTL/)
    type('')
    const final = await waitForScreen(/Saved /)
    console.info(`captured screen of the interactive setup:\n${final.trimEnd()}`)
    expect(final).toContain('•'.repeat(stack.userKey.length))
    expect(final).not.toContain(stack.userKey)
    expect(final).toMatch(/warning: the OS keychain is not available here[\s\S]*credentials\.json/)
    expect(final).toContain(`****${stack.userKey.slice(-4)}`)
    const config = JSON.parse(await readFile(join(home, 'config', 'config.json'), 'utf8'))
    expect(config).toMatchObject({ endpoint: stack.edgeUrl, timeoutMs: 3000, maxRetries: 3 })
  })

  it('warm shows a progress bar on a terminal and a summary naming the failed line', async () => {
    const configured = await tts(
      ['setup', '--endpoint', stack.edgeUrl, '--api-key-stdin', '--timeout-ms', '20000'],
      {
        input: `${stack.userKey}\n`,
        env: { TTS_CONFIG_DIR: join(home, 'config'), TTS_CACHE_DIR: join(home, 'cache') },
      },
    )
    expect(configured.code, configured.stderr).toBe(0)
    const lines = [
      uniqueSentence('Welcome back'),
      uniqueSentence('Your order has shipped'),
      uniqueSentence('Votre commande est partie'),
      'x'.repeat(5000),
      uniqueSentence('Thank you'),
    ]
    await writeFile(join(home, 'phrases.txt'), lines.join('\n'))
    tmux(
      'new-session',
      '-d',
      '-s',
      'warm',
      '-x',
      '110',
      '-y',
      '20',
      `cd ${home} && env ${env} ${process.execPath} ${BIN} warm phrases.txt; echo exit=$?; sleep 30`,
    )
    const final = await waitForScreen(/exit=\d/, 60_000, 'warm')
    console.info(`captured screen of tts warm:\n${final.trimEnd()}`)
    expect(final).toMatch(/◇\s+Queued 4 of 5/) // the bar's closing line: drawn on a terminal only
    expect(final).toMatch(/4 of 5 phrases queued for warming on the edge, 1 failed:/)
    expect(final).toMatch(/line 4 .*5000 characters/)
    expect(final).toContain('exit=1')
  })
})
