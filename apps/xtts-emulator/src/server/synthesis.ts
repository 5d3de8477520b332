/**
 * @module server/synthesis — what the synthesis endpoints share: the context and request
 * scope they run in, the 400s before any audio, the garbage fault and FastAPI's 422. The
 * endpoints are `xtts.ts` (`/tts_stream`, `/tts`) and `openai.ts` (`/v1/audio/speech`);
 * producing paced audio is `produce.ts`.
 */
import type { ServerResponse } from 'node:http'
import { type EspeakEngine, resolveLanguage } from '@tts/espeak'
import type { Faults } from '../faults/index.ts'
import type { Gpu } from '../gpu/index.ts'
import type { StatsRecorder } from '../stats/index.ts'
import { sendError, sendJson, sleep } from './http.ts'
import type { LatencyModel } from './pacing.ts'

/** Samples per GPT token at 24 kHz, roughly: `stream_chunk_size` counts tokens. */
export const SAMPLES_PER_TOKEN = 1024
/** What a proxy in front of a crashed server sends: a 200 whose body is not audio. */
export const GARBAGE_BODY = Buffer.from(
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n',
)

/** What the synthesis handlers share. */
export interface SynthesisContext {
  engine: EspeakEngine
  gpu: Gpu
  stats: StatsRecorder
  latency: LatencyModel
  /** Fail latents of the wrong shape as the real server does (an empty 200 / a 500). */
  strictLatents: boolean
}

/** One request as the handlers see it. */
export interface RequestScope {
  res: ServerResponse
  body: Uint8Array
  faults: Faults
  /** Aborts when the caller goes away. */
  signal: AbortSignal
}

/** Unsupported language or empty text: 400, before anything is sent. */
export function checkJob(
  res: ServerResponse,
  ctx: SynthesisContext,
  text: string,
  language: string,
): string | undefined {
  const resolved = resolveLanguage(language)
  if (!resolved || !ctx.engine.supports(language)) {
    sendError(
      res,
      400,
      `Unsupported language '${language}'. Supported: ${ctx.engine.languages().join(', ')}`,
    )
    return undefined
  }
  if (text.trim() === '') {
    sendError(res, 400, 'text must not be empty')
    return undefined
  }
  return resolved
}

// The garbage fault answers when real audio would: after the time to first byte.
export async function sendGarbage(
  ctx: SynthesisContext,
  scope: RequestScope,
  contentType: string,
): Promise<void> {
  await sleep(ctx.latency.ttfbMs, scope.signal)
  scope.res.writeHead(200, {
    'content-type': contentType,
    'content-length': String(GARBAGE_BODY.length),
  })
  scope.res.end(GARBAGE_BODY)
}

/** Answers a body that failed validation, as FastAPI does. */
export function sendValidationError(res: ServerResponse, detail: unknown): void {
  sendJson(res, 422, { detail })
}
