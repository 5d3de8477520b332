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
import { type Faults, FaultsError, mergeFaults, NO_FAULTS } from '../faults/index.ts'
import { createGpu } from '../gpu/index.ts'
import { OPENAPI_DOCUMENT } from '../openapi/index.ts'
import { studioSpeakers } from '../speakers/index.ts'
import { createStats, type EmulatorStats } from '../stats/index.ts'
import { ValidationError } from '../validate/index.ts'
import { cloneSpeaker } from './clone.ts'
import { BodyTooLargeError, readBody, sendError, sendJson, sleep } from './http.ts'
import {
  type LatencyModel,
  openAiSpeech,
  type RequestScope,
  type SynthesisContext,
  sendValidationError,
  tts,
  ttsStream,
} from './synthesis.ts'

/** XTTS-v2's languages in the order its `/languages` lists them (core keeps the model config's order). */
export const XTTS_LANGUAGE_LIST = XTTS_LANGUAGES

const BODY_LIMIT = 64 * 1024 * 1024

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Time to first audio, ms. Default 600. */
  ttfbMs?: number
  /** Real-time factor: seconds of GPU time per second of audio. Default 0.3. */
  rtf?: number
  /** When set, every non-admin request needs `Authorization: Bearer <apiKey>`. */
  apiKey?: string
  /** Faults in force from the start. */
  faults?: Partial<Faults>
  /** Fail latents of the wrong shape (512 / n×1024) as the real server does. Default false. */
  strictLatents?: boolean
  /** The speech engine; default espeak-ng in a worker thread, ended by `close()`. */
  engine?: EspeakEngine
  /** Source of randomness for `errorRate`; default `Math.random`. */
  random?: () => number
}

/** A running emulator. */
export interface Emulator {
  /** `http://host:port`, no trailing slash. */
  readonly url: string
  readonly port: number
  stats(): EmulatorStats
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

function normalizeOptions(options: EmulatorOptions) {
  const port = options.port ?? 0
  const ttfbMs = options.ttfbMs ?? 600
  const rtf = options.rtf ?? 0.3
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new RangeError(`port must be an integer from 0 to 65535, got ${port}`)
  if (!Number.isFinite(ttfbMs) || ttfbMs < 0)
    throw new RangeError(`ttfbMs must be a number ≥ 0, got ${ttfbMs}`)
  if (!Number.isFinite(rtf) || rtf < 0) throw new RangeError(`rtf must be a number ≥ 0, got ${rtf}`)
  return {
    port,
    host: options.host ?? '127.0.0.1',
    latency: { ttfbMs, rtf },
    apiKey: options.apiKey || undefined,
    faults: mergeFaults(NO_FAULTS, options.faults ?? {}),
    strictLatents: options.strictLatents ?? false,
    engine: options.engine,
    random: options.random ?? Math.random,
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest()
}

function latencyPatch(latency: LatencyModel, patch: unknown): LatencyModel {
  if (typeof patch !== 'object' || patch === null)
    throw new FaultsError('config must be a JSON object with ttfbMs and/or rtf')
  const next = { ...latency }
  for (const [key, value] of Object.entries(patch)) {
    if (
      (key !== 'ttfbMs' && key !== 'rtf') ||
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < 0
    ) {
      throw new FaultsError(
        `config takes ttfbMs and rtf, numbers ≥ 0; got ${key}=${JSON.stringify(value)}`,
      )
    }
    next[key] = value
  }
  return next
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

  const admin = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const method = req.method ?? 'GET'
    if (path === '/__stats' && method === 'GET')
      return sendJson(res, 200, stats.snapshot(gpu.stats()))
    if (path === '/__reset' && method === 'POST') {
      emulator.reset()
      return sendJson(res, 200, { ok: true })
    }
    if ((path === '/__faults' || path === '/__config') && (method === 'GET' || method === 'POST')) {
      if (method === 'POST') {
        try {
          const patch = JSON.parse(
            Buffer.from(await readBody(req, 1024 * 1024)).toString('utf8') || '{}',
          )
          if (path === '/__faults') faults = mergeFaults(faults, patch)
          else Object.assign(ctx.latency, latencyPatch(ctx.latency, patch))
        } catch (error) {
          return sendJson(res, 400, {
            detail: error instanceof Error ? error.message : String(error),
          })
        }
      }
      return sendJson(res, 200, path === '/__faults' ? faults : ctx.latency)
    }
    return sendError(res, 405)
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
      if (path === '/studio_speakers') return sendJson(res, 200, studioSpeakers())
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
    if (path.startsWith('/__')) return admin(req, res, path)
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
    stats: () => stats.snapshot(gpu.stats()),
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
