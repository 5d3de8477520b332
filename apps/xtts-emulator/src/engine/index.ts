/**
 * @module engine — the emulator's speech engine: `@tts/espeak` in a worker thread, behind the
 * same `EspeakEngine` interface, so synthesis never blocks the server's sockets and timers.
 */
import { Worker } from 'node:worker_threads'
import { writeWav } from '@tts/core/audio'
import {
  type EspeakEngine,
  EspeakError,
  type EspeakLanguage,
  resolveLanguage,
  SUPPORTED_LANGUAGES,
  type SynthesisResult,
  UnsupportedLanguageError,
} from '@tts/espeak'

/** An engine that owns a thread; `close()` ends it. */
export interface WorkerEngine extends EspeakEngine {
  close(): Promise<void>
}

interface Reply {
  id: number
  pcm?: Int16Array
  language?: EspeakLanguage
  error?: { name?: string; message?: string; code?: string; details?: { language?: string } }
}

/**
 * @example
 * const engine = createWorkerEngine()
 * const { pcm } = await engine.synthesize('Hello', { language: 'en', sampleRate: 24_000 })
 * await engine.close()
 */
export function createWorkerEngine(): WorkerEngine {
  let worker: Worker | undefined
  let nextId = 0
  const pending = new Map<
    number,
    { resolve: (r: SynthesisResult) => void; reject: (e: unknown) => void; sampleRate: number }
  >()

  const start = (): Worker => {
    if (worker) return worker
    const created = new Worker(new URL('./worker.ts', import.meta.url))
    created.unref()
    created.on('message', (reply: Reply) => {
      const waiter = pending.get(reply.id)
      if (!waiter) return
      pending.delete(reply.id)
      if (reply.error || !reply.pcm || !reply.language) {
        const e = reply.error ?? {}
        waiter.reject(
          e.code === 'unsupported_language'
            ? new UnsupportedLanguageError(e.details?.language ?? '', SUPPORTED_LANGUAGES)
            : new EspeakError(
                e.code ?? 'engine_unavailable',
                e.message ?? 'espeak-ng failed in its worker',
              ),
        )
        return
      }
      const pcm = reply.pcm
      waiter.resolve({
        pcm,
        wav: writeWav({ sampleRate: waiter.sampleRate, channels: 1 }, pcm),
        sampleRate: waiter.sampleRate,
        durationMs: (pcm.length / waiter.sampleRate) * 1000,
        language: reply.language,
      })
    })
    created.on('error', (error) => {
      for (const waiter of pending.values())
        waiter.reject(
          new EspeakError('engine_unavailable', 'the espeak-ng worker died', { cause: error }),
        )
      pending.clear()
      worker = undefined
    })
    worker = created
    return created
  }

  const engine: WorkerEngine = {
    synthesize(text, options) {
      const id = nextId++
      return new Promise<SynthesisResult>((resolve, reject) => {
        pending.set(id, { resolve, reject, sampleRate: options.sampleRate ?? 22_050 })
        start().postMessage({ id, text, options })
      })
    },
    languages: () => SUPPORTED_LANGUAGES,
    supports: (language) => resolveLanguage(language) !== undefined,
    async warmUp() {
      await engine.synthesize('Ready.', { language: 'en' })
    },
    async close() {
      const current = worker
      worker = undefined
      await current?.terminate()
    },
  }
  return engine
}
