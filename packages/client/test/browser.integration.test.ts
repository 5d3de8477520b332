/**
 * The browser path in real Chromium (Debian's, driven by playwright-core): the browser entry
 * bundled by esbuild, the IndexedDB cache with its non-extractable key, `<audio>` playback,
 * the warm queue in localStorage, and the Web Speech fallback. The page's origin also answers
 * `/v1/*` by passing requests to the real emulator (same origin, so no CORS set-up), and can
 * play "edge down" with a 503 problem.
 */
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import type { ServerResponse } from 'node:http'
import { join } from 'node:path'
import { detectLanguage } from '@tts/core/lang'
import { uniqueSentence } from '@tts/core/testing'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type BrowserPage, openBrowserPage } from './browser-page.ts'
import { CHROMIUM } from './chromium.ts'
import { type RunningEmulator, startEmulatorProcess } from './emulator.ts'

let emulator: RunningEmulator
let browser: BrowserPage
let origin: string
let page: Page
const state = {
  edgeDown: false,
  speech: 0,
  prefetched: [] as string[],
  files: [] as string[],
  /** The speech requests' bodies, in order. */
  asked: [] as Record<string, unknown>[],
}

/** The stand-in edge's prefetch: notes the texts it was asked to warm. */
function prefetch(body: Buffer, res: ServerResponse) {
  state.prefetched.push(
    ...(JSON.parse(String(body)).items as { input: string }[]).map((i) => i.input),
  )
  res.writeHead(202, { 'content-type': 'application/json' }).end('{"queued":1}')
}

/** The stand-in edge's speech: the emulator's answer, or a 503 problem while "down". */
async function speech(body: Buffer, res: ServerResponse) {
  state.speech++
  if (state.edgeDown) {
    res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '5' })
    res.end(
      JSON.stringify({
        status: 503,
        code: 'upstream_unavailable',
        title: 'Service Unavailable',
      }),
    )
    return
  }
  // As the edge does: 'auto' (its default) is resolved with core's detection before the
  // upstream, which takes no 'auto', and the choice is named in X-TTS-Language.
  const asked = JSON.parse(String(body)) as { input: string; language?: string }
  state.asked.push(asked)
  const language =
    asked.language === undefined || asked.language === 'auto'
      ? (await detectLanguage(asked.input)).language
      : asked.language
  const upstream = await fetch(`${emulator.url}/v1/audio/speech`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...asked, language }),
  })
  res.writeHead(upstream.status, {
    'content-type': upstream.headers.get('content-type') ?? 'application/octet-stream',
    'x-tts-cache': 'MISS',
    'x-tts-language': language,
  })
  res.end(Buffer.from(await upstream.arrayBuffer()))
}

async function stopSpeechDispatcher(pidFile: string) {
  const pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim())
  if (!Number.isInteger(pid) || pid <= 0) return
  const alive = () => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  // It does not always heed SIGTERM while a client has just left; then SIGKILL.
  if (alive()) process.kill(pid, 'SIGTERM')
  for (let i = 0; i < 20 && alive(); i++) await new Promise((r) => setTimeout(r, 100))
  if (alive()) process.kill(pid, 'SIGKILL')
}

describe.skipIf(!existsSync(CHROMIUM))('browser (real Chromium)', () => {
  beforeAll(async () => {
    emulator = await startEmulatorProcess()
    browser = await openBrowserPage({
      name: 'tts-client-browser-',
      routes: { '/v1/audio/speech/prefetch': prefetch, '/v1/audio/speech': speech },
      onFile: (path) => state.files.push(path),
      launch: (dir) => ({
        args: ['--enable-speech-dispatcher'],
        // Chromium starts its own speech-dispatcher; a cache dir of this run gives it a fresh
        // one (a stale daemon from an earlier run serves no voices) that afterAll can stop by pid.
        env: { ...process.env, XDG_CACHE_HOME: join(dir, 'xdg-cache') },
      }),
      afterBrowserClosed: (dir) =>
        stopSpeechDispatcher(
          join(dir, 'xdg-cache', 'speech-dispatcher', 'pid', 'speech-dispatcher.pid'),
        ),
    })
    ;({ origin, page } = browser)
    // Chromium fills its voice list from speech-dispatcher seconds after the first ask (and
    // never, where speech-dispatcher is missing); give it that time once, here.
    await page
      .waitForFunction(() => speechSynthesis.getVoices().length > 0, undefined, {
        timeout: 30_000,
        polling: 500,
      })
      .catch(() => {})
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    await emulator?.stop()
  })

  const reload = async () => {
    await page.reload()
    await page.waitForFunction(() => document.title === 'ready')
  }

  // Each test starts from an empty page: no client of an earlier test holds the database, no
  // cache entry or queued text of theirs is left, and the stand-in edge's counters are zero.
  beforeEach(async () => {
    Object.assign(state, { edgeDown: false, speech: 0, prefetched: [], files: [], asked: [] })
    await reload()
    await page.evaluate(async () => {
      localStorage.clear()
      await new Promise<void>((resolve, reject) => {
        const req = indexedDB.deleteDatabase('tts-edge-cache')
        req.onsuccess = () => resolve()
        req.onerror = () => reject(req.error)
        req.onblocked = () => reject(new Error('the cache database is still open'))
      })
    })
  })

  it('caches in IndexedDB, sealed with a non-extractable key, and a repeat makes no request — also after a reload', async () => {
    const text = uniqueSentence('Hello from the browser cache test')
    const synth = () =>
      page.evaluate(
        async ({ endpoint, text }) => {
          const { createTtsClient } = (
            globalThis as never as { ttsClient: typeof import('../src/index.ts') }
          ).ttsClient
          const tts = createTtsClient({ endpoint, fallback: false })
          const r = await tts.synthesize(text, { language: 'en' })
          return { provider: r.provider, bytes: r.audio.byteLength, mimeType: r.mimeType }
        },
        { endpoint: origin, text },
      )
    const first = await synth()
    expect(first).toMatchObject({ provider: 'edge', mimeType: 'audio/wav' })
    expect(await synth()).toMatchObject({ provider: 'cache', bytes: first.bytes })
    expect(state.speech).toBe(1)
    await reload()
    expect(await synth()).toMatchObject({ provider: 'cache', bytes: first.bytes })
    expect(state.speech).toBe(1)

    const stored = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('tts-edge-cache')
        open.onsuccess = () => resolve(open.result)
        open.onerror = () => reject(open.error)
      })
      const get = <T>(store: string, fn: (s: IDBObjectStore) => IDBRequest) =>
        new Promise<T>((resolve, reject) => {
          const req = fn(db.transaction(store, 'readonly').objectStore(store))
          req.onsuccess = () => resolve(req.result as T)
          req.onerror = () => reject(req.error)
        })
      const key = await get<CryptoKey>('keys', (s) => s.get('local'))
      const blobs = await get<Uint8Array[]>('blobs', (s) => s.getAll())
      const text = new TextDecoder('latin1').decode(blobs[0])
      let exported = 'refused'
      try {
        await crypto.subtle.exportKey('raw', key)
        exported = 'exported'
      } catch {}
      db.close()
      return {
        extractable: key.extractable,
        algorithm: key.algorithm.name,
        exported,
        blobs: blobs.length,
        plainWav: text.includes('RIFF') || text.includes('WAVE'),
      }
    })
    expect(stored).toEqual({
      extractable: false,
      algorithm: 'AES-GCM',
      exported: 'refused',
      blobs: 1,
      plainWav: false,
    })
  })

  it('treats a tampered IndexedDB entry as a miss, removes it and fetches again', async () => {
    const result = await page.evaluate(async (text) => {
      const { createTtsClient } = (
        globalThis as never as { ttsClient: typeof import('../src/index.ts') }
      ).ttsClient
      // This test's own entry: the one it tampers with.
      await createTtsClient({ endpoint: location.origin, fallback: false }).synthesize(text, {
        language: 'en',
      })
      const db = await new Promise<IDBDatabase>((resolve) => {
        const open = indexedDB.open('tts-edge-cache')
        open.onsuccess = () => resolve(open.result)
      })
      const t = db.transaction('blobs', 'readwrite')
      const store = t.objectStore('blobs')
      const keys = await new Promise<IDBValidKey[]>((resolve) => {
        const r = store.getAllKeys()
        r.onsuccess = () => resolve(r.result)
      })
      const first = keys[0] as IDBValidKey
      const blob = await new Promise<Uint8Array>((resolve) => {
        const r = store.get(first)
        r.onsuccess = () => resolve(r.result)
      })
      blob[blob.length - 3] = (blob[blob.length - 3] ?? 0) ^ 0xff
      store.put(blob, first)
      await new Promise((resolve) => (t.oncomplete = resolve))
      db.close()
      const tts = createTtsClient({ endpoint: location.origin, fallback: false })
      const r = await tts.synthesize(text, { language: 'en' })
      const stats = await tts.cache.stats()
      return { provider: r.provider, corrupt: stats?.corrupt, entries: keys.length }
    }, uniqueSentence('Tamper with this entry'))
    expect(result).toMatchObject({ provider: 'edge', corrupt: 1, entries: 1 })
    expect(state.speech).toBe(2)
  })

  it('plays edge audio through <audio> and resolves when it ends', async () => {
    const result = await page.evaluate(async (text) => {
      const { createTtsClient } = (
        globalThis as never as { ttsClient: typeof import('../src/index.ts') }
      ).ttsClient
      const tts = createTtsClient({ endpoint: location.origin, fallback: false })
      const t0 = performance.now()
      const r = await tts.speak(text, { language: 'en' })
      return { provider: r.provider, played: r.played, elapsed: performance.now() - t0 }
    }, uniqueSentence('Playing a short sentence'))
    expect(result).toMatchObject({ provider: 'edge', played: 'audio' })
    expect(result.elapsed).toBeGreaterThan(300) // it waited for the audio to end
  })

  it("speaks Latin text with voice 'auto' through the edge without fetching the language model", async () => {
    // beforeEach gave a fresh page: nothing of the model loaded yet.
    const result = await page.evaluate(async () => {
      const { createTtsClient } = (
        globalThis as never as { ttsClient: typeof import('../src/index.ts') }
      ).ttsClient
      const tts = createTtsClient({ endpoint: location.origin, fallback: false })
      const r = await tts.speak('Guten Morgen, wie geht es Ihnen heute?')
      return { provider: r.provider, language: r.language, played: r.played }
    })
    expect(result).toEqual({ provider: 'edge', language: 'de', played: 'audio' })
    expect(state.files.filter((f) => f.includes('ngrams-') || f.includes('decide-'))).toEqual([])
  })

  it("takes the page's declared language as the hint unless the app gives one (or [] for none)", async () => {
    // 30 random digits (> 64 bits): not letters, so detection ignores them; the cache does not.
    const nonce = Array.from(crypto.getRandomValues(new Uint32Array(3)), String).join('')
    await page.evaluate(async (nonce) => {
      const { createTtsClient } = (
        globalThis as never as { ttsClient: typeof import('../src/index.ts') }
      ).ttsClient
      let n = 0
      const say = async (lang: string, languageHint?: string[]) => {
        document.documentElement.lang = lang
        const tts = createTtsClient({
          endpoint: location.origin,
          fallback: false,
          ...(languageHint ? { languageHint } : {}),
        })
        await tts.synthesize(`Editar ${nonce}${n++}`)
      }
      await say('pt-BR')
      await say('es')
      await say('')
      await say('pt-BR', ['es-ES'])
      await say('pt-BR', [])
    }, nonce)
    expect(state.asked.map((a) => [a.language, a.language_hint])).toEqual([
      ['auto', ['pt-BR']],
      ['auto', ['es']],
      ['auto', undefined],
      ['auto', ['es-ES']],
      ['auto', undefined],
    ])
  })

  it('falls back to the device voice (Web Speech) chosen by locale, and queues the text in localStorage for warming', async () => {
    state.edgeDown = true
    let spokeLocally = false
    try {
      const result = await page.evaluate(async () => {
        const { createTtsClient, webSpeechEngine } = (
          globalThis as never as { ttsClient: typeof import('../src/index.ts') }
        ).ttsClient
        const engine = webSpeechEngine({ maxUtteranceMs: 4000, voicesTimeoutMs: 10_000 })
        const available = await engine.isAvailable()
        const voices = speechSynthesis.getVoices().length
        const frVoice = (await engine.voiceFor('fr-FR'))?.lang ?? null
        const tts = createTtsClient({ endpoint: location.origin, fallback: [engine] })
        const fallbacks: string[] = []
        tts.on('fallback', (e) => fallbacks.push(e.reason))
        let outcome: Record<string, unknown>
        try {
          const r = await tts.speak("Bonjour à tous, je suis très heureux d'être ici aujourd'hui.")
          outcome = {
            provider: r.provider,
            engine: r.engine,
            played: r.played,
            language: r.language,
          }
        } catch (e) {
          outcome = { error: (e as { code?: string }).code }
        }
        return {
          voices,
          available,
          frVoice,
          fallbacks,
          outcome,
          queue: localStorage.getItem('tts-edge:warm-queue'),
        }
      })
      console.info(
        `[browser] Web Speech voices in headless Chromium: ${result.voices}; fr-FR voice: ${result.frVoice}`,
      )
      expect(result.fallbacks).toEqual(['upstream_unavailable'])
      // Only now, to choose a local voice for Latin text, does the page fetch the model.
      expect(state.files.some((f) => f.includes('ngrams-'))).toBe(true)
      if (result.available) {
        spokeLocally = true
        expect(result.frVoice).toMatch(/^fr/)
        expect(result.outcome).toEqual({
          provider: 'local',
          engine: 'web-speech',
          played: 'device-voice',
          language: 'fr',
        })
        expect(JSON.parse(result.queue ?? '{}').items).toHaveLength(1)
      } else {
        // No voices in this Chromium: the ordered list has nothing left, and says so.
        expect(result.outcome).toEqual({ error: 'local_engine_unavailable' })
      }
    } finally {
      state.edgeDown = false
    }
    // The edge answers again: the next call succeeds and the queued text is warmed.
    const warmed = await page.evaluate(async (text) => {
      const { createTtsClient } = (
        globalThis as never as { ttsClient: typeof import('../src/index.ts') }
      ).ttsClient
      const tts = createTtsClient({ endpoint: location.origin, fallback: false })
      await tts.synthesize(text, { language: 'en' })
      await tts.warm()
      return { pending: await tts.pendingWarm() }
    }, uniqueSentence('The edge is back'))
    expect(warmed.pending).toBe(0)
    expect(state.prefetched).toEqual(
      spokeLocally ? ["Bonjour à tous, je suis très heureux d'être ici aujourd'hui."] : [],
    )
  })
})
