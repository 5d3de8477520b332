import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseCliConfig, saveConfig } from '../config/index.ts'
import { createContext } from '../context/index.ts'
import { warm } from './warm.ts'

// A stand-in edge for this unit: it refuses any batch holding the word "refused", the way a
// real edge refuses a batch over one bad phrase, and records what it accepted.
let server: Server
let accepted: string[][]
let dir: string

beforeEach(async () => {
  accepted = []
  dir = await mkdtemp(join(tmpdir(), 'tts-cli-warm-'))
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const inputs = (JSON.parse(body) as { items: { input: string }[] }).items.map((i) => i.input)
      if (inputs.some((i) => i.includes('refused'))) {
        res.writeHead(400, { 'content-type': 'application/problem+json' })
        return res.end('{"code":"invalid_request","detail":"a phrase was refused"}')
      }
      accepted.push(inputs)
      res.writeHead(202, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await saveConfig(
    join(dir, 'config.json'),
    parseCliConfig({ endpoint: `http://127.0.0.1:${port}` }),
  )
})

afterEach(async () => {
  await new Promise((r) => server.close(r))
  await rm(dir, { recursive: true, force: true })
})

function context() {
  return createContext({
    env: { TTS_CONFIG_DIR: dir, TTS_API_KEY: 'tts_unit_warm_key_000000' },
    cwd: dir,
    io: { stdin: Readable.from([]), stdout: new PassThrough(), stderr: new PassThrough() },
    keychain: false,
  })
}

describe('warm', () => {
  it('finds the one phrase the edge refuses inside a batch, and sends the rest', async () => {
    const lines = Array.from({ length: 9 }, (_, i) => `Phrase number ${i + 1}`)
    lines[6] = 'This one is refused'
    await writeFile(join(dir, 'p.txt'), lines.join('\n'))
    const result = await warm(context(), 'p.txt', { language: 'en' })
    expect(result).toMatchObject({ ok: false, total: 9, queued: 8 })
    expect(result.failed).toEqual([
      { line: 7, text: 'This one is refused', error: '400 invalid_request: a phrase was refused' },
    ])
    expect(accepted.flat().sort()).toEqual(lines.filter((l) => !l.includes('refused')).sort())
  })

  it('groups JSON items by voice and language and checks each before sending', async () => {
    await writeFile(
      join(dir, 'p.json'),
      JSON.stringify({
        items: [
          'Hello there',
          { text: 'Bonjour', language: 'fr-FR' },
          { text: 'Hi', voice: 'nova', speed: 9 },
          { text: 'Hallo', language: 'de', voice: 'nova' },
          42,
        ],
      }),
    )
    const result = await warm(context(), 'p.json')
    expect(result.queued).toBe(3)
    expect(result.failed.map((f) => [f.line, f.error])).toEqual([
      [3, 'speed 9 is out of range; allowed: 0.25 to 4.0'],
      [5, 'no text (give a string or an object with `text`)'],
    ])
    expect(accepted).toHaveLength(3) // one batch per (voice, language)
  })

  it('rejects a file that looks like JSON but is not', async () => {
    await writeFile(join(dir, 'p.json'), '[ "a", ')
    await expect(warm(context(), 'p.json')).rejects.toThrow(/looks like JSON but does not parse/)
  })
})
