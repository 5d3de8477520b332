/**
 * @module engine/worker — runs espeak-ng in a worker thread: its synthesis is synchronous, and
 * on the main thread it would stall every socket and timer of the server while it runs.
 */
import { parentPort } from 'node:worker_threads'
import { createEspeakEngine, type SynthesizeOptions } from '@tts/espeak'

interface Job {
  id: number
  text: string
  options: SynthesizeOptions
}

const engine = createEspeakEngine()

parentPort?.on('message', (job: Job) => {
  engine.synthesize(job.text, job.options).then(
    (result) =>
      parentPort?.postMessage({ id: job.id, pcm: result.pcm, language: result.language }, [
        result.pcm.buffer as ArrayBuffer,
      ]),
    (error: unknown) => {
      const { name, message, code, details } = error as {
        name?: string
        message?: string
        code?: string
        details?: unknown
      }
      parentPort?.postMessage({ id: job.id, error: { name, message, code, details } })
    },
  )
})
