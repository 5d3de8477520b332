/**
 * End-to-end: the `tts` binary as a child process against the real XTTS emulator and the real
 * edge under `wrangler dev`. Every output of every run is kept and searched for the API keys
 * at the end, as is every file under the temp config and cache dirs.
 */
import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { uniqueSentence } from '@tts/core/testing'
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { type CliRun, setFaults, tts } from './stack.ts'

const stack = inject('stack')
let home: string
let env: Record<string, string>
let outputs: CliRun[] = []

async function run(args: string[], options: { env?: Record<string, string>; input?: string } = {}) {
  const result = await tts(args, {
    cwd: home,
    input: options.input ?? '',
    env: { ...env, ...options.env },
  })
  outputs.push(result)
  return result
}

/** `tts setup` with the speech key, non-interactive: what a configured machine has. */
async function setUp(): Promise<void> {
  const r = await run(
    ['setup', '--endpoint', stack.edgeUrl, '--api-key-stdin', '--timeout-ms', '20000'],
    { input: `${stack.userKey}\n` },
  )
  expect(r.code, r.stderr).toBe(0)
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = []
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])
  for (const entry of entries) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name))
  }
  return out
}

// Each test gets a home of its own (config, cache, output files): none depends on another's
// state or order. The shared stack is only the edge and the emulator, and texts are unique.
beforeEach(async () => {
  // The edge's upstream breaker may still be open after another test took the emulator down:
  // every test starts once /readyz says the edge serves again.
  await expect
    .poll(
      async () => {
        const res = await fetch(`${stack.edgeUrl}/readyz`)
        await res.arrayBuffer()
        return res.status
      },
      { timeout: 60_000, interval: 500 },
    )
    .toBe(200)
  home = await mkdtemp(join(tmpdir(), 'tts-cli-e2e-'))
  env = { TTS_CONFIG_DIR: join(home, 'config'), TTS_CACHE_DIR: join(home, 'cache') }
  outputs = []
})

// After every test: no file it left and nothing it printed holds an API key in clear.
afterEach(async () => {
  for (const file of await filesUnder(home)) {
    const text = (await readFile(file)).toString('latin1')
    expect(text.includes(stack.userKey), file).toBe(false)
    expect(text.includes(stack.adminKey), file).toBe(false)
    expect(text.includes(stack.quotaKey), file).toBe(false)
  }
  for (const r of outputs) {
    const all = `${r.stdout}${r.stderr}`
    expect(all.includes(stack.userKey)).toBe(false)
    expect(all.includes(stack.adminKey)).toBe(false)
    expect(all.includes(stack.quotaKey)).toBe(false)
  }
  await rm(home, { recursive: true, force: true })
})

describe('tts against the real edge and emulator', () => {
  it('refuses to prompt without a terminal and names what is missing', async () => {
    const r = await run(['setup'])
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/no endpoint given and no terminal.*TTS_ENDPOINT/)
  })

  it('setup (non-interactive) rejects a wrong key after asking the edge, and saves nothing', async () => {
    const r = await run(['setup'], {
      env: { TTS_ENDPOINT: stack.edgeUrl, TTS_API_KEY: 'tts_wrong_key_0000000000' },
    })
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/rejected the API key \(401/)
    await expect(stat(join(home, 'config', 'config.json'))).rejects.toThrow()
  })

  it('setup (non-interactive) checks the key, saves config and a sealed 0600 key file with a warning', async () => {
    const r = await run(
      ['setup', '--endpoint', stack.edgeUrl, '--api-key-stdin', '--timeout-ms', '20000'],
      {
        input: `${stack.userKey}\n`,
      },
    )
    expect(r.stderr).toContain('credentials.json')
    expect(r.code).toBe(0)
    const config = JSON.parse(await readFile(join(home, 'config', 'config.json'), 'utf8'))
    expect(config).toMatchObject({ endpoint: stack.edgeUrl, timeoutMs: 20000, keyStorage: 'file' })
    const mode = (await stat(join(home, 'config', 'credentials.json'))).mode & 0o777
    expect(mode).toBe(0o600)
    // The warning is one-time: storing again does not repeat it.
    const again = await run(['config', 'set', 'apiKey', '-'], { input: stack.userKey })
    expect(again.code).toBe(0)
    expect(again.stderr).not.toContain('credentials.json')
  })

  it('config show masks the key to its last 4 characters, also in --json', async () => {
    await setUp()
    const r = await run(['config', 'show', '--json'])
    expect(r.code).toBe(0)
    const shown = JSON.parse(r.stdout)
    expect(shown.apiKey).toBe(`****${stack.userKey.slice(-4)}`)
    expect(shown.endpoint).toBe(stack.edgeUrl)
  })

  it('say writes playable WAV and MP3 from the edge, then hits the local cache', async () => {
    await setUp()
    const text = uniqueSentence('Hello from the command line')
    const wav = await run(['say', text, '-o', 'hello.wav'])
    expect(wav.code, wav.stderr).toBe(0)
    expect(wav.stdout).toMatch(/edge · cache miss · [\d.]+ ms · en/)
    const bytes = await readFile(join(home, 'hello.wav'))
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF')
    expect(bytes.subarray(8, 12).toString('latin1')).toBe('WAVE')
    expect(bytes.readUInt32LE(24)).toBeGreaterThan(8000) // sample rate
    expect(bytes.byteLength).toBeGreaterThan(10_000)

    const again = await run(['say', text, '-o', 'hello2.wav', '--json'])
    expect(JSON.parse(again.stdout)).toMatchObject({ provider: 'cache', cacheStatus: 'hit' })

    const mp3 = await run(['say', uniqueSentence('Bonjour tout le monde'), '-o', 'bonjour.mp3'])
    expect(mp3.code, mp3.stderr).toBe(0)
    const m = await readFile(join(home, 'bonjour.mp3'))
    const id3 = m.subarray(0, 3).toString('latin1') === 'ID3'
    const frameSync = m[0] === 0xff && ((m[1] ?? 0) & 0xe0) === 0xe0
    expect(id3 || frameSync).toBe(true)
    expect(mp3.stdout).toMatch(/· fr ·/)
  })

  it('say --no-store keeps nothing: asked again it goes to the edge, which kept nothing either', async () => {
    await setUp()
    const text = uniqueSentence('Nothing of this is kept')
    for (const name of ['private1.wav', 'private2.wav']) {
      const r = await run(['say', text, '-o', name, '--no-store', '--json'])
      expect(r.code, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout)).toMatchObject({ provider: 'edge', cacheStatus: 'bypass' })
      expect((await readFile(join(home, name))).subarray(0, 4).toString('latin1')).toBe('RIFF')
    }
    const usual = await run(['say', text, '-o', 'usual.wav', '--json'])
    expect(JSON.parse(usual.stdout)).toMatchObject({ provider: 'edge', cacheStatus: 'miss' })
  })

  it("say takes the shell's locale as the hint for text either language spells alike", async () => {
    await setUp()
    // Digits (> 64 bits), not pseudo-words: the detector ignores them, the caches do not.
    const digits = Array.from(crypto.getRandomValues(new Uint32Array(3)), String).join('')
    const text = `Editar ${digits}`
    // The text alone leans Portuguese: Spanish can only come from the locale.
    const es = await run(['say', text, '-o', 'es.wav'], { env: { LANG: 'es_ES.UTF-8' } })
    expect(es.code, es.stderr).toBe(0)
    expect(es.stdout).toMatch(/· es ·/)
    const pt = await run(['say', text, '-o', 'pt.wav'], {
      env: { LANG: 'es_ES.UTF-8', TTS_LANGUAGE_HINT: 'pt-BR' },
    })
    expect(pt.code, pt.stderr).toBe(0)
    expect(pt.stdout).toMatch(/· pt ·/)
    const bad = await run(['say', text, '-o', 'bad.wav'], { env: { TTS_LANGUAGE_HINT: 'es,<b>' } })
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/TTS_LANGUAGE_HINT must be/),
    ])
  })

  it('say reads stdin with - and pipes audio to stdout', async () => {
    await setUp()
    const r = await run(['say', '-'], { input: uniqueSentence('Piped text to speak') })
    expect(r.code, r.stderr).toBe(0)
    expect(r.raw.subarray(0, 4).toString('latin1')).toBe('RIFF')
    expect(r.stderr).toMatch(/edge · cache/)
  })

  it('say --play hands the audio to a player found on PATH', async () => {
    // A stand-in player that keeps what it was asked to play (real players need a sound card),
    // under every name the CLI looks for, so a real one on this machine is never picked first.
    const bin = join(home, 'bin')
    await mkdir(bin, { recursive: true })
    const script = `#!/bin/sh\nfor f; do last="$f"; done\ncp "$last" "${join(home, 'played.wav')}"\n`
    for (const name of ['afplay', 'paplay', 'aplay', 'ffplay', 'mpv']) {
      await writeFile(join(bin, name), script, { mode: 0o755 })
    }
    await setUp()
    const r = await run(['say', uniqueSentence('Hello from the command line'), '--play'], {
      env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
    })
    expect(r.code, r.stderr).toBe(0)
    const played = await readFile(join(home, 'played.wav'))
    expect(played.subarray(0, 4).toString('latin1')).toBe('RIFF')
  })

  it('needs no config file when TTS_ENDPOINT and TTS_API_KEY are set (CI jobs)', async () => {
    const text = uniqueSentence('Hello from a CI job')
    // A configured machine (20 s timeout) asked for this text before: the edge has it cached.
    await setUp()
    const primed = await run(['say', text, '-o', 'primed.wav'])
    expect(primed.code, primed.stderr).toBe(0)
    // A fresh local cache: the answer must come from the edge (a hit there, so it is fast even
    // under the default 3 s timeout on a loaded CI box).
    const ci = await run(['say', text, '-o', 'ci.wav', '--json'], {
      env: {
        TTS_CONFIG_DIR: join(home, 'no-config'),
        TTS_CACHE_DIR: join(home, 'ci-cache'),
        TTS_ENDPOINT: stack.edgeUrl,
        TTS_API_KEY: stack.userKey,
      },
    })
    expect(ci.code, ci.stderr).toBe(0)
    expect(JSON.parse(ci.stdout)).toMatchObject({
      provider: 'edge',
      cacheStatus: 'hit',
      format: 'wav',
    })
    await expect(stat(join(home, 'no-config'))).rejects.toThrow()
  })

  it('warm queues good lines, reports the failing one by number and exits 1', async () => {
    await setUp()
    const long = 'x'.repeat(5000)
    const phrases = ['Good morning', 'Good evening', 'See you tomorrow'].map((p) =>
      uniqueSentence(p),
    )
    await writeFile(
      join(home, 'phrases.txt'),
      ['# greetings', phrases[0], phrases[1], long, '', phrases[2]].join('\n'),
    )
    const r = await run(['warm', 'phrases.txt'])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/3 of 4 phrases queued/)
    expect(r.stdout).toMatch(/line 4 .*5000 characters/)

    await writeFile(
      join(home, 'phrases.json'),
      JSON.stringify([
        uniqueSentence('Hola'),
        { text: uniqueSentence('Guten Tag'), language: 'de' },
        { text: uniqueSentence('Hej'), language: 'sv' },
      ]),
    )
    const j = await run(['warm', 'phrases.json', '--json'])
    expect(j.code).toBe(1)
    const out = JSON.parse(j.stdout)
    expect(out).toMatchObject({ ok: false, total: 3, queued: 2 })
    expect(out.failed).toEqual([expect.objectContaining({ line: 3 })])

    await writeFile(
      join(home, 'good.txt'),
      `${uniqueSentence('One more phrase')}\n${uniqueSentence('And another')}\n`,
    )
    expect((await run(['warm', 'good.txt'])).code).toBe(0)
  })

  it('warm with a spent quota stops with one line naming quota_exceeded and when to retry', async () => {
    // The key may synthesize 10 characters a day: any unique sentence is more than that.
    await writeFile(join(home, 'quota.txt'), `${uniqueSentence('Over the quota')}\n`)
    const r = await run(['warm', 'quota.txt'], {
      env: { TTS_ENDPOINT: stack.edgeUrl, TTS_API_KEY: stack.quotaKey },
    })
    expect(r.code).toBe(1)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^tts: the edge refused to queue more \(429 quota_exceeded: .*\); try again in \d+ s; 0 of 1 phrases were accepted before it/,
    )
    const json = await run(['warm', 'quota.txt', '--json'], {
      env: { TTS_ENDPOINT: stack.edgeUrl, TTS_API_KEY: stack.quotaKey },
    })
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'quota_exceeded' } })
  })

  it('cache stats reports the local cache and, with --edge, the edge', async () => {
    await setUp()
    const once = uniqueSentence('Counted once')
    // Two texts, the first asked twice: two entries, one miss each, one hit, in separate runs.
    for (const text of [once, uniqueSentence('Counted twice'), once]) {
      const said = await run(['say', text, '-o', 'counted.wav'])
      expect(said.code, said.stderr).toBe(0)
    }
    const r = await run(['cache', 'stats', '--edge', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const s = JSON.parse(r.stdout)
    expect(s.local.entries).toBeGreaterThanOrEqual(2)
    expect(s.edge.entries).toBeGreaterThanOrEqual(1)
    // The counts of earlier runs are kept with the cache, not lost with each process.
    expect(s.local.hits).toBeGreaterThanOrEqual(1)
    expect((await run(['cache', 'stats'])).stdout).toMatch(/hit rate \d+ %/)
    // One rule with `tts clear`: no terminal, no --yes, nothing deleted.
    const refused = await run(['cache', 'purge'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/deletes the local cache .*pass --yes/)
    expect(JSON.parse((await run(['cache', 'stats', '--json'])).stdout).local.entries).toBe(
      s.local.entries,
    )
    const denied = await run(['cache', 'purge', '--edge', '--yes'])
    expect(denied.code).toBe(1)
    expect(denied.stderr).toMatch(/admin scope.*TTS_ADMIN_KEY/)
    const purged = await run(['cache', 'purge', '--edge', '--yes', '--json'], {
      env: { TTS_ADMIN_KEY: stack.adminKey },
    })
    expect(purged.code, purged.stderr).toBe(0)
    expect(JSON.parse(purged.stdout).edgePurged.generation).toMatch(/^[\w-]{12}$/)
  })

  it('voices: list, add from a WAV clip, use it, remove it; a key without the scope is told', async () => {
    await setUp()
    const scoped = { TTS_API_KEY: stack.adminKey }
    const denied = await run(['voices', 'list'])
    expect(denied.code).toBe(1)
    expect(denied.stderr).toMatch(/lacks the voices scope.*--scopes speech,voices/)
    const listed = await run(['voices', 'list', '--json'], { env: scoped })
    expect(listed.code, listed.stderr).toBe(0)
    expect(JSON.parse(listed.stdout).voices).toContainEqual(
      expect.objectContaining({ id: 'alloy', kind: 'openai' }),
    )
    const clip = await run(['say', uniqueSentence('My voice'), '-o', 'me.wav'])
    expect(clip.code, clip.stderr).toBe(0)
    const added = await run(['voices', 'add', 'me.wav', '--name', 'Me', '--json'], { env: scoped })
    expect(added.code, added.stderr).toBe(0)
    const voice = JSON.parse(added.stdout) as { id: string; name: string; kind: string }
    expect(voice).toMatchObject({ name: 'Me', kind: 'cloned' })
    const spoken = await run(
      ['say', uniqueSentence('In my voice'), '--voice', voice.id, '-o', 'mine.wav', '--json'],
      { env: scoped },
    )
    expect(JSON.parse(spoken.stdout), spoken.stderr).toMatchObject({ provider: 'edge' })
    expect((await run(['voices', 'list'], { env: scoped })).stdout).toContain(voice.id)
    expect((await run(['voices', 'remove', voice.id], { env: scoped })).code).toBe(0)
    const again = await run(['voices', 'remove', voice.id], { env: scoped })
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/voices remove: .*404.*does not exist/)
    expect((await run(['voices', 'list'], { env: scoped })).stdout).not.toContain(voice.id)
  })

  it('doctor passes every check, then shows the upstream down with hints', async () => {
    await setUp()
    const ok = await run(['doctor'])
    expect(ok.code, ok.stdout).toBe(0)
    for (const name of [
      'config',
      'TLS',
      'endpoint',
      'API key',
      'readiness',
      'synthesis',
      'local engine',
    ]) {
      expect(ok.stdout).toMatch(new RegExp(`✓ ${name}:`))
    }
    // A speech key sees only the verdict; an admin key the upstream, by name, and its breaker.
    expect(ok.stdout).toMatch(/✓ readiness: ok \(upstream details need an admin key/)
    const admin = await run(['doctor'], { env: { TTS_ADMIN_KEY: stack.adminKey } })
    expect(admin.code, admin.stdout).toBe(0)
    expect(admin.stdout).toMatch(
      /✓ readiness: ok; \S+ \(http:\/\/127\.0\.0\.1:\d+\) up, breaker closed/,
    )
    await setFaults(stack.emulatorUrl, { down: true })
    try {
      const down = await run(['doctor'])
      expect(down.code).toBe(1)
      expect(down.stdout).toMatch(/✗ synthesis: failed: 5\d\d/)
      expect(down.stdout).toMatch(/hint: the edge's XTTS upstream failed/)
      expect(down.stdout).toMatch(/✓ endpoint:/)
    } finally {
      await setFaults(stack.emulatorUrl, { down: false })
    }
  })

  it('say falls back to the local espeak voice when the upstream is down, and says so', async () => {
    await setUp()
    await setFaults(stack.emulatorUrl, { down: true })
    try {
      const text = uniqueSentence('The upstream is down right now')
      // MP3 asked for, and only the local WAV voice can answer: nothing written, exit 1.
      const mp3 = await run(['say', text, '-o', 'down.mp3'])
      expect(mp3.code).toBe(1)
      expect(mp3.stderr).toMatch(/produces wav only, not mp3; nothing was written/)
      await expect(stat(join(home, 'down.mp3'))).rejects.toThrow()
      await expect(stat(join(home, 'down.wav'))).rejects.toThrow()
      const r = await run(['say', text, '-o', 'down.wav', '--debug'])
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/local \(espeak\) · cache none · [\d.]+ ms · en/)
      // The edge answered; only its upstream was down, and the warning says so, with the id to quote.
      expect(r.stderr).toMatch(
        /the edge answered 5\d\d \(\w+, request id [\w.:-]+\): its speech upstream could not serve, using device voice/,
      )
      expect(r.stderr).toContain('"message":"METRIC"')
      const bytes = await readFile(join(home, 'down.wav'))
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('RIFF')
    } finally {
      await setFaults(stack.emulatorUrl, { down: false })
    }
  })

  it('a damaged config file is one clear line naming the file and the fix, no stack', async () => {
    await setUp()
    const file = join(home, 'config', 'config.json')
    const good = await readFile(file, 'utf8')
    await writeFile(file, good.slice(0, 20))
    try {
      for (const args of [['config', 'show'], ['say', 'hi', '-o', 'x.wav'], ['doctor']]) {
        const r = await run(args)
        expect(r.code).toBe(1)
        expect(`${r.stdout}${r.stderr}`).toContain(`${file} is not valid JSON`)
        expect(r.stderr).not.toMatch(/\n\s+at /)
      }
      expect(await readFile(file, 'utf8')).toBe(good.slice(0, 20)) // never silently reset
      await writeFile(file, JSON.stringify({ ...JSON.parse(good), timeoutMs: -5 }))
      const invalid = await run(['config', 'show'])
      expect(invalid.stderr).toMatch(/is invalid: `timeoutMs` is -5, below the minimum/)
    } finally {
      await writeFile(file, good)
    }
  })

  it('keys create prints the key once and the API_KEYS entry with its SHA-256', async () => {
    const r = await run(['keys', 'create', '--scopes', 'speech,admin', '--tenant', 'ops'])
    expect(r.code).toBe(0)
    const entry = JSON.parse(/\{"hash".*\}/.exec(r.stdout)?.[0] ?? '{}')
    expect(entry).toMatchObject({ scopes: ['speech', 'admin'], tenant: 'ops' })
    const minted = /\b(tts_[\w-]{40,})\b/.exec(r.stdout)?.[1] ?? ''
    expect(entry.hash).toBe(createHash('sha256').update(minted).digest('hex'))
    const json = await run(['keys', 'create', '--json'])
    expect(json.code).toBe(1)
    expect(json.stderr).toMatch(/never printed; add --save/)
  })

  it('clear asks for --yes without a terminal, then removes config and key', async () => {
    await setUp()
    const refused = await run(['clear'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/pass --yes/)
    const r = await run(['clear', '--yes', '--json'])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).removed).toEqual(
      expect.arrayContaining([
        join(home, 'config', 'config.json'),
        join(home, 'config', 'credentials.json'),
      ]),
    )
    const after = await run(['config', 'show'])
    expect(after.code).toBe(1)
    expect(after.stderr).toMatch(/run `tts setup` first/)
  })
})
