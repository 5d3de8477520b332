/**
 * @module browser/page — the bench's page in Chromium: @tts/client's browser entry (IndexedDB
 * cache, Web Audio streaming player) speaking through the page's origin, which passes
 * `/v1/*` to the edge. `bench.speak()` resolves once the first audible sample has played, with
 * the time from the `speak()` call to it as the client's player measured it (the context time
 * of the first non-silent sample, mapped to `performance.now()`), then stops — after the
 * answer's last byte when asked, so the local cache gets it as a user's full listen would.
 */
import { createTtsClient } from '@tts/client'

/** One measured `speak()`. */
export interface Spoken {
  firstAudioMs: number | undefined
  provider: string | undefined
  /** The edge's `X-TTS-Cache`, when the edge answered. */
  edgeCache: string | undefined
  error: string | undefined
}

let lastBody: Promise<void> = Promise.resolve()
let lastCache: string | undefined
/** Notes each answer's `X-TTS-Cache` and when its body ended (when the local cache has it). */
const tracking: typeof fetch = async (input, init) => {
  const res = await fetch(input, init)
  lastCache = res.headers.get('x-tts-cache') ?? undefined
  let ended = () => {}
  lastBody = new Promise<void>((resolve) => {
    ended = resolve
  })
  const end = new TransformStream<Uint8Array, Uint8Array>({ flush: () => ended() })
  return new Response(res.body?.pipeThrough(end) ?? null, res)
}

const common = {
  endpoint: location.origin,
  fallback: false,
  warmQueue: false,
  fetch: tracking,
} as const
// Long texts at the XTTS profile must not be cut by the total deadline on a loaded box.
const clients = {
  cached: createTtsClient({ ...common, timeoutMs: 30_000 }),
  uncached: createTtsClient({ ...common, cache: false, timeoutMs: 30_000 }),
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function speak(text: string, o: { cache: boolean; waitForBody: boolean }): Promise<Spoken> {
  const tts = o.cache ? clients.cached : clients.uncached
  lastCache = undefined
  const out: Spoken = {
    firstAudioMs: undefined,
    provider: undefined,
    edgeCache: undefined,
    error: undefined,
  }
  const heard = new Promise<void>((resolve) => {
    const off = tts.on('playing', (e) => {
      off()
      out.firstAudioMs = e.firstAudioMs
      out.provider = e.provider
      resolve()
    })
  })
  const t0 = performance.now()
  const call = tts.speak(text).catch((e: { code?: string }) => {
    if (e.code !== 'aborted') out.error = e.code ?? String(e)
  })
  await Promise.race([heard, call])
  if (out.firstAudioMs !== undefined) {
    // Until the first sample has really played, then (if asked) until the answer is all in.
    await sleep(Math.max(0, t0 + out.firstAudioMs - performance.now()) + 30)
    if (o.waitForBody && out.provider === 'edge') await Promise.race([lastBody, sleep(60_000)])
  }
  out.edgeCache = out.provider === 'edge' ? lastCache : undefined
  tts.stop()
  await call
  return out
}

/** Puts `text` in the edge's cache (and, with `local`, in the page's). */
async function fill(text: string, local: boolean): Promise<void> {
  await (local ? clients.cached : clients.uncached).synthesize(text)
}

;(globalThis as { bench?: unknown }).bench = { speak, fill }
document.title = 'ready'
