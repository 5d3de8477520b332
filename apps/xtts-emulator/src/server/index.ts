/**
 * @module server — the emulator's HTTP server: routing, bearer key, fault injection, admin
 * endpoints, and a listener that can stop and come back on the same port.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { XTTS_SAMPLE_RATE } from '@tts/core/audio'
import { XTTS_LANGUAGES } from '@tts/core/lang'
import type { EspeakEngine } from '@tts/espeak'
import { createWorkerEngine } from '../engine/index.ts'
import { type Faults, mergeFaults, NO_FAULTS } from '../faults/index.ts'
import { createGpu } from '../gpu/index.ts'
import { OPENAPI_DOCUMENT } from '../openapi/index.ts'
import { createStats, type EmulatorStats } from '../stats/index.ts'
import { ValidationError } from '../validate/index.ts'
import { handleAdmin } from './admin.ts'
import { cloneSpeaker } from './clone.ts'
import { BodyTooLargeError, readBody, sendError, sendJson, sleep } from './http.ts'
import { openAiSpeech } from './openai.ts'
import { type EmulatorOptions, latencyPatch, normalizeOptions } from './options.ts'
import type { LatencyModel } from './pacing.ts'
import { sendStudioSpeakers } from './studio.ts'
import { type RequestScope, type SynthesisContext, sendValidationError } from './synthesis.ts'
import { tts, ttsStream } from './xtts.ts'

export type { EmulatorOptions } from './options.ts'

/** XTTS-v2's languages in the order its `/languages` lists them (core keeps the model config's order). */
export const XTTS_LANGUAGE_LIST = XTTS_LANGUAGES

const BODY_LIMIT = 64 * 1024 * 1024

/** A running emulator. */
export interface Emulator {
  /** `http://host:port`, no trailing slash. */
  readonly url: string
  readonly port: number
  /** The counters; with `text`, also the syntheses whose text contained it. */
  stats(text?: string): EmulatorStats
  faults(): Faults
  /** Applies a patch of faults (fields left out keep their value); returns the new set. */
  setFaults(patch: Partial<Faults>): Faults
  /** Sets the latency model at run time. */
  setLatency(patch: Partial<LatencyModel>): LatencyModel
  /** Zeroes the counters and clears every fault. */
  reset(): void
  /** Stops accepting connections (callers get ECONNREFUSED) and drops open ones. */
  stopListening(): Promise<void>
  /** Listens again on the same port. */
  resume(): Promise<void>
  /** Stops for good. */
  close(): Promise<void>
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

/**
 * Starts an XTTS-compatible server backed by espeak-ng. The engine is warmed up first, so the
 * first request's timing follows the latency model.
 *
 * @example
 * const emulator = await startEmulator({ ttfbMs: 0, rtf: 0 })
 * await fetch(`${emulator.url}/languages`)
 * await emulator.close()
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const config = normalizeOptions(options)
  const ownEngine = config.engine ? undefined : createWorkerEngine()
  const engine = config.engine ?? (ownEngine as EspeakEngine)
  // wasm2js code runs slowly until the JIT has seen it; a few phrases make the first
  // request's timing follow the latency model instead of the JIT's.
  for (const language of ['en', 'fr', 'en']) {
    await engine.synthesize('Warming up the speech engine, one sentence at a time.', {
      language,
      sampleRate: XTTS_SAMPLE_RATE,
    })
  }
  const gpu = createGpu()
  const stats = createStats()
  const keyDigest = config.apiKey === undefined ? undefined : digest(config.apiKey)
  let faults = config.faults
  const ctx: SynthesisContext = {
    engine,
    gpu,
    stats,
    latency: config.latency,
    strictLatents: config.strictLatents,
  }
  const sockets = new Set<Socket>()

  const authorized = (req: IncomingMessage): boolean => {
    if (!keyDigest) return true
    const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')
    return match?.[1] !== undefined && timingSafeEqual(digest(match[1].trim()), keyDigest)
  }

  const route = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    scopeFaults: Faults,
    signal: AbortSignal,
  ) => {
    const method = req.method ?? 'GET'
    const routes: Record<string, string> = {
      '/tts_stream': 'POST',
      '/tts': 'POST',
      '/clone_speaker': 'POST',
      '/v1/audio/speech': 'POST',
      '/studio_speakers': 'GET',
      '/languages': 'GET',
      '/openapi.json': 'GET',
    }
    const expected = routes[path]
    if (!expected) return sendError(res, 404)
    if (method !== expected) return sendError(res, 405, undefined, { allow: expected })
    if (method === 'GET') {
      if (path === '/languages') return sendJson(res, 200, XTTS_LANGUAGE_LIST)
      if (path === '/studio_speakers') {
        return sendStudioSpeakers(res, config.studioSpeakers, scopeFaults)
      }
      return sendJson(res, 200, OPENAPI_DOCUMENT)
    }
    const done = stats.open()
    try {
      const scope: RequestScope = {
        res,
        body: await readBody(req, BODY_LIMIT),
        faults: scopeFaults,
        signal,
      }
      if (path === '/tts_stream') await ttsStream(ctx, scope)
      else if (path === '/tts') await tts(ctx, scope)
      else if (path === '/v1/audio/speech') await openAiSpeech(ctx, scope)
      else await cloneSpeaker(gpu, req, scope)
    } finally {
      done()
    }
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://emulator').pathname
    if (path.startsWith('/__')) return handleAdmin(emulator, req, res, path)
    stats.request(path)
    // One snapshot per request: a fault changed mid-request does not half-apply to it.
    const current = faults
    if (current.down) {
      req.socket.destroy()
      return
    }
    if (!authorized(req))
      return sendError(res, 401, 'Not authenticated', { 'www-authenticate': 'Bearer' })
    const controller = new AbortController()
    res.on('close', () => {
      if (!res.writableFinished) controller.abort(new Error('the caller went away'))
    })
    if (current.rateLimit) {
      return sendError(res, 429, 'Too Many Requests', {
        'retry-after': String(current.rateLimit.retryAfterS),
      })
    }
    if (current.errorRate > 0 && config.random() < current.errorRate)
      return sendError(res, current.errorStatus)
    if (current.hang) return // never answered; close() destroys the socket
    await sleep(current.firstByteDelayMs, controller.signal)
    await route(req, res, path, current, controller.signal)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.socket?.destroy()
      } else if (error instanceof ValidationError) {
        sendValidationError(res, error.detail)
      } else if (error instanceof BodyTooLargeError) {
        sendError(res, 413, error.message)
      } else if (!res.destroyed) {
        sendError(res, 500)
      }
    })
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, config.host, () => {
        server.off('error', reject)
        resolve((server.address() as AddressInfo).port)
      })
    })
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve()
      server.close(() => resolve())
      for (const socket of sockets) socket.destroy()
    })

  const port = await listen(config.port)
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const emulator: Emulator = {
    url: `http://${host}:${port}`,
    port,
    stats: (text) => stats.snapshot(gpu.stats(), text),
    faults: () => ({ ...faults }),
    setFaults(patch) {
      faults = mergeFaults(faults, patch)
      return { ...faults }
    },
    setLatency(patch) {
      Object.assign(ctx.latency, latencyPatch(ctx.latency, patch))
      return { ...ctx.latency }
    },
    reset() {
      stats.reset()
      gpu.reset()
      faults = { ...NO_FAULTS }
    },
    stopListening: stop,
    async resume() {
      if (!server.listening) await listen(port)
    },
    async close() {
      await stop()
      await ownEngine?.close()
    },
  }
  return emulator
}
