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
/** The language of every item the stand-in accepted, by its input. */
let languages: Map<string, string>
let dir: string
/** A test's own answer for a batch, in place of the default; undefined: the default. */
type Reply = { status: number; headers?: Record<string, string>; body: string }
let reply: ((inputs: string[], call: number) => Reply | undefined) | undefined
let calls = 0

beforeEach(async () => {
  accepted = []
  languages = new Map()
  reply = undefined
  calls = 0
  dir = await mkdtemp(join(tmpdir(), 'tts-cli-warm-'))
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      const { items } = JSON.parse(body) as { items: { input: string; language: string }[] }
      const inputs = items.map((i) => i.input)
      const own = reply?.(inputs, calls++)
      if (own) {
        res.writeHead(own.status, { 'content-type': 'application/json', ...own.headers })
        return res.end(own.body)
      }
      if (inputs.some((i) => i.includes('refused'))) {
        res.writeHead(400, { 'content-type': 'application/problem+json' })
        return res.end('{"code":"invalid_request","detail":"a phrase was refused"}')
      }
      accepted.push(inputs)
      for (const i of items) languages.set(i.input, i.language)
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

function context(stdout = new PassThrough(), env: Record<string, string> = {}) {
  return createContext({
    env: { TTS_CONFIG_DIR: dir, TTS_API_KEY: 'tts_unit_warm_key_000000', NO_COLOR: '1', ...env },
    cwd: dir,
    io: { stdin: Readable.from([]), stdout, stderr: new PassThrough() },
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

  it("detects with the shell's locale as the hint, as say does, so say hits what warm made", async () => {
    // Digits, not pseudo-words: the detector ignores them. "Editar" alone leans Portuguese.
    const digits = Array.from(crypto.getRandomValues(new Uint32Array(3)), String).join('')
    const text = `Editar ${digits}`
    await writeFile(join(dir, 'p.txt'), text)
    await warm(context(undefined, { LANG: 'es_ES.UTF-8' }), 'p.txt')
    expect(languages.get(text)).toBe('es')
    await warm(context(undefined, { LANG: 'es_ES.UTF-8', TTS_LANGUAGE_HINT: 'pt-BR' }), 'p.txt')
    expect(languages.get(text)).toBe('pt')
  })

  it('rejects a file that looks like JSON but is not', async () => {
    await writeFile(join(dir, 'p.json'), '[ "a", ')
    await expect(warm(context(), 'p.json')).rejects.toThrow(/looks like JSON but does not parse/)
  })

  it("reports the edge's queued and duplicates", async () => {
    reply = (inputs) => ({
      status: 202,
      body: JSON.stringify({ queued: inputs.length - 1, duplicates: 1 }),
    })
    await writeFile(join(dir, 'p.txt'), 'One\nTwo\nOne\n')
    const out = new PassThrough()
    let printed = ''
    out.on('data', (c) => (printed += c))
    const result = await warm(context(out), 'p.txt', { language: 'en' })
    expect(result).toMatchObject({ ok: true, total: 3, queued: 2, duplicates: 1 })
    expect(printed).toContain(
      '3 of 3 phrases queued for warming on the edge (1 of them already queued)',
    )
  })

  it.each([
    ['quota_exceeded', { 'retry-after': '42' }, '; try again in 42 s'],
    ['queue_full', { 'retry-after': '60' }, '; try again in 60 s'],
    ['rate_limited', {}, ''],
  ])(
    'stops at a 429 %s with one line naming it and what was queued before',
    async (code, headers, again) => {
      // The first batch (language en) is accepted, the second (de) refused.
      reply = (_, call) =>
        call === 0
          ? { status: 202, body: '{"queued":1,"duplicates":0}' }
          : { status: 429, headers, body: JSON.stringify({ code, detail: `refused: ${code}` }) }
      await writeFile(
        join(dir, 'p.json'),
        JSON.stringify([
          { text: 'Hello', language: 'en' },
          { text: 'Hallo', language: 'de' },
        ]),
      )
      const error = await warm(context(), 'p.json').catch((e: unknown) => e)
      expect(error).toMatchObject({
        name: 'UserError',
        code,
        message: `the edge refused to queue more (429 ${code}: refused: ${code})${again}; 1 of 2 phrases were accepted before it (1 queued, 0 already queued)`,
      })
      expect(calls).toBe(2) // no halving, no retry loop
    },
  )

  it('names the request id of a 5xx', async () => {
    reply = () => ({
      status: 502,
      headers: { 'x-request-id': 'req-5xx-1' },
      body: JSON.stringify({ code: 'upstream_error', detail: 'the upstream failed' }),
    })
    await writeFile(join(dir, 'p.txt'), 'Only one')
    const result = await warm(context(), 'p.txt', { language: 'en' })
    expect(result.failed).toEqual([
      {
        line: 1,
        text: 'Only one',
        error: '502 upstream_error: the upstream failed (request id req-5xx-1)',
      },
    ])
  })
})
