import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createContext } from '../context/index.ts'
import * as prompts from '../prompts/index.ts'
import type { KeychainBackend } from '../secrets/index.ts'
import { clear } from './clear.ts'
import { configShow } from './config.ts'
import { setup } from './setup.ts'

vi.mock('../prompts/index.ts', () => ({
  ask: vi.fn(),
  askSecret: vi.fn(),
  confirm: vi.fn(),
  intro: vi.fn(),
  outro: vi.fn(),
  note: vi.fn(),
  progress: vi.fn(),
}))

const KEY = 'tts_unit_key_0123456789abcdef'
let dir: string
let server: Server
let endpoint: string

function memoryKeychain(): KeychainBackend & { store: Map<string, string> } {
  const store = new Map<string, string>()
  return {
    store,
    get: async (a) => store.get(a) ?? null,
    set: async (a, s) => void store.set(a, s),
    delete: async (a) => store.delete(a),
  }
}

function terminalContext(keychain: KeychainBackend | false = memoryKeychain()) {
  const tty = () => Object.assign(new PassThrough(), { isTTY: true })
  const stdout = tty()
  const stderr = tty()
  let output = ''
  stdout.on('data', (c) => (output += c))
  stderr.on('data', (c) => (output += c))
  const ctx = createContext({
    env: { TTS_CONFIG_DIR: dir, NO_COLOR: '1' },
    io: { stdin: tty(), stdout, stderr },
    keychain,
  })
  return { ctx, output: () => output }
}

beforeEach(async () => {
  vi.resetAllMocks()
  dir = await mkdtemp(join(tmpdir(), 'tts-cli-setup-'))
  // A stand-in edge: /healthz answers, /v1/cache/stats accepts KEY only.
  server = createServer((req, res) => {
    if (req.url === '/healthz') return res.writeHead(200).end('{"status":"ok"}')
    const ok = req.headers.authorization === `Bearer ${KEY}`
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' })
    res.end(ok ? '{}' : '{"code":"unauthorized"}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address()
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
})

afterEach(async () => {
  await new Promise((r) => server.close(r))
  await rm(dir, { recursive: true, force: true })
})

describe('setup (interactive, prompts mocked)', () => {
  it('re-asks on values core rejects, checks the key, saves config and keychain entry', async () => {
    const rejected: Record<string, string | undefined> = {}
    vi.mocked(prompts.ask).mockImplementation(async ({ message, validate, initial }) => {
      if (message.startsWith('Edge endpoint')) {
        // The user first types a plain-http public URL, then a good one.
        rejected.endpoint = validate?.('http://tts.example.com')
        expect(validate?.(endpoint)).toBeUndefined()
        return endpoint
      }
      if (message.startsWith('Timeout')) {
        rejected.timeout = validate?.('-5')
        return '5000'
      }
      return initial ?? ''
    })
    vi.mocked(prompts.askSecret).mockImplementation(async ({ validate }) => {
      rejected.key = validate?.('has spaces in it')
      return KEY
    })
    const keychain = memoryKeychain()
    const { ctx, output } = terminalContext(keychain)
    const result = await setup(ctx)

    expect(rejected.endpoint).toMatch(/HTTPS required/)
    expect(rejected.timeout).toMatch(/`timeoutMs` is -5, below the minimum/)
    expect(rejected.key).toMatch(/`apiKey` contains spaces/)
    expect(result).toMatchObject({
      endpoint,
      timeoutMs: 5000,
      keyStorage: 'keychain',
      checked: true,
    })
    expect(result.apiKey).toBe(`****${KEY.slice(-4)}`)
    expect([...keychain.store.values()]).toEqual([KEY])
    const file = await readFile(join(dir, 'config.json'), 'utf8')
    expect(JSON.parse(file)).toMatchObject({ endpoint, timeoutMs: 5000, keyStorage: 'keychain' })
    expect(file).not.toContain(KEY)
    expect(output()).not.toContain(KEY)
    expect(vi.mocked(prompts.outro)).toHaveBeenCalledWith(expect.stringContaining('OS keychain'))
  })

  it('after a rejected key, asks again when the user agrees, and saves only what the edge accepts', async () => {
    vi.mocked(prompts.ask).mockImplementation(async ({ initial }) =>
      initial === 'https://' ? endpoint : (initial ?? ''),
    )
    vi.mocked(prompts.askSecret)
      .mockResolvedValueOnce('tts_wrong_key_000000000000')
      .mockResolvedValueOnce(KEY)
    vi.mocked(prompts.confirm).mockResolvedValueOnce(true)
    const { ctx } = terminalContext()
    const result = await setup(ctx)
    expect(vi.mocked(prompts.note)).toHaveBeenCalledWith(
      expect.stringMatching(/rejected the API key/),
      'error',
    )
    expect(vi.mocked(prompts.askSecret)).toHaveBeenCalledTimes(2)
    expect(result.checked).toBe(true)
  })

  it('saves nothing when the user gives up after a failed check', async () => {
    vi.mocked(prompts.ask).mockImplementation(async ({ initial }) =>
      initial === 'https://' ? endpoint : (initial ?? ''),
    )
    vi.mocked(prompts.askSecret).mockResolvedValue('tts_wrong_key_000000000000')
    vi.mocked(prompts.confirm).mockResolvedValue(false)
    const { ctx } = terminalContext()
    await expect(setup(ctx)).rejects.toThrow(/rejected the API key.*nothing was saved/)
    expect(await readdir(dir)).toEqual([])
  })

  it('without a keychain stores a sealed owner-only file and warns once, naming it', async () => {
    vi.mocked(prompts.ask).mockImplementation(async ({ initial }) =>
      initial === 'https://' ? endpoint : (initial ?? ''),
    )
    vi.mocked(prompts.askSecret).mockResolvedValue(KEY)
    const broken: KeychainBackend = {
      get: async () => {
        throw new Error('no Secret Service')
      },
      set: async () => {
        throw new Error('no Secret Service')
      },
      delete: async () => false,
    }
    const first = terminalContext(broken)
    await setup(first.ctx, { skipCheck: true })
    expect(vi.mocked(prompts.note)).toHaveBeenCalledWith(
      expect.stringMatching(/no Secret Service.*credentials\.json.*0600/s),
      'warn',
    )
    const stored = await readFile(join(dir, 'credentials.json'), 'utf8')
    expect(stored).not.toContain(KEY)
    const second = terminalContext(broken)
    vi.mocked(prompts.askSecret).mockResolvedValue('') // Enter keeps the stored key
    const again = await setup(second.ctx, { skipCheck: true })
    expect(again.apiKey).toBe(`****${KEY.slice(-4)}`)
    expect(vi.mocked(prompts.note).mock.calls.filter(([, kind]) => kind === 'warn')).toHaveLength(1)
    const shown = await configShow(second.ctx)
    expect(shown.apiKeySource).toBe(join(dir, 'credentials.json'))
  })

  it('clear asks first and removes config and keychain entry only when confirmed', async () => {
    vi.mocked(prompts.ask).mockImplementation(async ({ initial }) =>
      initial === 'https://' ? endpoint : (initial ?? ''),
    )
    vi.mocked(prompts.askSecret).mockResolvedValue(KEY)
    const keychain = memoryKeychain()
    const { ctx } = terminalContext(keychain)
    await setup(ctx, { skipCheck: true })
    vi.mocked(prompts.confirm).mockResolvedValueOnce(false)
    await expect(clear(ctx)).rejects.toThrow(/nothing was deleted/)
    expect(keychain.store.size).toBe(1)
    vi.mocked(prompts.confirm).mockResolvedValueOnce(true)
    const { removed } = await clear(ctx)
    expect(removed).toEqual([join(dir, 'config.json'), 'OS keychain'])
    expect(keychain.store.size).toBe(0)
  })
})
