/**
 * @module test/openai-sdk — the official OpenAI SDK, unmodified, pointed at the worker: only its
 * base URL and its transport (the worker's `fetch` inside workerd, one execution context per
 * request) are ours, so the tests see exactly what an OpenAI user's code sees.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import OpenAI from 'openai'
import worker from '../src/index.ts'
import { keys, testEnv } from './helpers.ts'

/** A speech request with our usual model and voice unless the test names its own. */
export type SpeechParams = Partial<OpenAI.Audio.SpeechCreateParams> & { input: string }

/** The SDK on the worker, and how to wait for the `waitUntil` work of its requests so far. */
export interface OpenAiSdk {
  openai: OpenAI
  /** `openai.audio.speech.create` with `model: 'tts-1', voice: 'alloy'` unless given. */
  speech(params: SpeechParams): ReturnType<OpenAI['audio']['speech']['create']>
  /** Awaits every request's `waitUntil` work since the last call. */
  settle(): Promise<void>
}

/**
 * The official client calling the worker with `apiKey` (the speech key unless given).
 *
 * @example
 * const { speech, settle } = openaiSdk()
 * const response = await speech({ input: sentence(), response_format: 'wav' })
 * const bytes = new Uint8Array(await response.arrayBuffer())
 * await settle()
 */
export function openaiSdk(apiKey: string = keys.speech): OpenAiSdk {
  const pending: ExecutionContext[] = []
  const openai = new OpenAI({
    apiKey,
    baseURL: 'http://edge.test/v1',
    maxRetries: 0,
    fetch: async (url: string | URL | Request, init?: RequestInit) => {
      const ctx = createExecutionContext()
      pending.push(ctx)
      return worker.fetch(new Request(url, init), testEnv(), ctx)
    },
  })
  return {
    openai,
    speech: (params) => openai.audio.speech.create({ model: 'tts-1', voice: 'alloy', ...params }),
    settle: async () => {
      await Promise.all(pending.splice(0).map((ctx) => waitOnExecutionContext(ctx)))
    },
  }
}
