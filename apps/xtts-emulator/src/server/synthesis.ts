/**
 * @module server/synthesis — the synthesis endpoints (`/tts_stream`, `/tts`,
 * `/v1/audio/speech`) with the GPU latency model: the first chunk after the time to first
 * byte, then chunks paced by the real-time factor, one synthesis at a time.
 */
import type { ServerResponse } from 'node:http'
import {
  concatSamples,
  pcm16ToBytes,
  streamingWavHeader,
  writeWav,
  XTTS_SAMPLE_RATE,
} from '@tts/core/audio'
import { concatBytes, encodeBase64 } from '@tts/core/bytes'
import { type EspeakEngine, resolveLanguage } from '@tts/espeak'
import type { Faults } from '../faults/index.ts'
import type { Gpu } from '../gpu/index.ts'
import {
  EMBEDDING_SIZE,
  LATENT_WIDTH,
  type VoiceParams,
  voiceForLatents,
  voiceForName,
} from '../speakers/index.ts'
import type { StatsRecorder } from '../stats/index.ts'
import { type FieldSpec, parseJsonBody, validateBody } from '../validate/index.ts'
import { createBodyWriter, sendError, sendJson, sleep } from './http.ts'

/** Samples per GPT token at 24 kHz, roughly: `stream_chunk_size` counts tokens. */
const SAMPLES_PER_TOKEN = 1024
/** What a proxy in front of a crashed server sends: a 200 whose body is not audio. */
export const GARBAGE_BODY = Buffer.from(
  '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n',
)

/** The latency model; mutable at run time through `/__config`. */
export interface LatencyModel {
  ttfbMs: number
  rtf: number
}

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

/**
 * When each chunk is due, in ms after the GPU took the job: the first after the time to first
 * byte (or after producing it at the RTF, if that is longer), each next one after its own
 * duration × RTF. With `ttfbMs` 0 the whole answer takes RTF × audio length.
 *
 * @example
 * chunkSchedule([1, 1, 1], 600, 0.3) // [600, 900, 1200]
 */
export function chunkSchedule(
  chunkSeconds: readonly number[],
  ttfbMs: number,
  rtf: number,
): number[] {
  let previous: number | undefined
  return chunkSeconds.map((seconds) => {
    previous = nextDue(previous, seconds, { ttfbMs, rtf })
    return previous
  })
}

/**
 * When the chunk after one due at `previous` (undefined for the first) is due.
 *
 * @example
 * nextDue(undefined, 0.85, { ttfbMs: 600, rtf: 0.3 }) // 600
 */
export function nextDue(
  previous: number | undefined,
  seconds: number,
  latency: LatencyModel,
): number {
  const work = latency.rtf * seconds * 1000
  return previous === undefined ? Math.max(latency.ttfbMs, work) : previous + work
}

interface Job {
  text: string
  language: string
  voice: VoiceParams
  speed: number
  chunkSamples: number
}

/** Unsupported language or empty text: 400, before anything is sent. */
function checkJob(
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

// Sentences, so that the first audio is ready after the first sentence, not the whole text:
// espeak-ng's synthesis is synchronous and, on a busy machine, only ~10-20× faster than real time.
function sentences(text: string, language: string): string[] {
  const segmenter = new Intl.Segmenter(language === 'zh-cn' ? 'zh' : language, {
    granularity: 'sentence',
  })
  const out = [...segmenter.segment(text)].map((s) => s.segment.trim()).filter((s) => s !== '')
  return out.length > 0 ? out : [text]
}

/**
 * Takes the GPU, synthesizes sentence by sentence, and hands each chunk to `emit` when the
 * latency model says it is ready (or when it exists, if synthesis is the slower of the two).
 * Stops early when `emit` returns false (the connection is gone).
 */
async function produce(
  ctx: SynthesisContext,
  signal: AbortSignal,
  job: Job,
  emit: (chunk: Int16Array, index: number) => Promise<boolean>,
): Promise<void> {
  const release = await ctx.gpu.acquire(signal)
  let produced = 0
  try {
    const startedAt = performance.now()
    const pieces = sentences(job.text, job.language)
    let pending: Int16Array = new Int16Array(0)
    let index = 0
    let due: number | undefined
    for (const [p, piece] of pieces.entries()) {
      const { pcm } = await ctx.engine.synthesize(piece, {
        language: job.language,
        speed: job.speed,
        pitch: job.voice.pitch,
        variant: job.voice.variant,
        sampleRate: XTTS_SAMPLE_RATE,
      })
      produced += pcm.length
      pending = concatSamples([pending, pcm])
      const last = p === pieces.length - 1
      while (pending.length >= job.chunkSamples || (last && pending.length > 0)) {
        const chunk = pending.subarray(0, job.chunkSamples)
        pending = pending.subarray(chunk.length)
        due = nextDue(due, chunk.length / XTTS_SAMPLE_RATE, ctx.latency)
        await sleep(startedAt + due - performance.now(), signal)
        if (!(await emit(chunk, index++))) return
      }
      // Let the sockets breathe between sentences.
      await new Promise((resolve) => setImmediate(resolve))
    }
  } finally {
    if (produced > 0) ctx.stats.synthesis(produced / XTTS_SAMPLE_RATE)
    release()
  }
}

const LATENTS: Record<string, FieldSpec> = {
  speaker_embedding: { kind: 'float_list' },
  gpt_cond_latent: { kind: 'float_matrix' },
  text: { kind: 'str' },
  language: { kind: 'str' },
}

interface XttsInput {
  speaker_embedding: number[]
  gpt_cond_latent: number[][]
  text: string
  language: string
  add_wav_header: boolean
  stream_chunk_size: string
}

function latentsHaveXttsShape(input: XttsInput): boolean {
  return (
    input.speaker_embedding.length === EMBEDDING_SIZE &&
    input.gpt_cond_latent.length > 0 &&
    input.gpt_cond_latent.every((row) => row.length === LATENT_WIDTH)
  )
}

// The garbage fault answers when real audio would: after the time to first byte.
async function sendGarbage(
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

// XTTS requests carry a voice as latents and have no speed control.
function xttsJob(input: XttsInput, language: string, chunkSamples: number): Job {
  return {
    text: input.text,
    language,
    voice: voiceForLatents(input.speaker_embedding),
    speed: 1,
    chunkSamples,
  }
}

/**
 * `POST /tts_stream`: 200 + `audio/wav` + chunked at once; the 44-byte header (RIFF size 36,
 * data size 0: Python's `wave` writing no frames) arrives with the first audio; then s16le
 * 24 kHz PCM chunks paced by the RTF.
 */
export async function ttsStream(ctx: SynthesisContext, scope: RequestScope): Promise<void> {
  const { res, faults, signal } = scope
  const input = validateBody<XttsInput>(parseJsonBody(scope.body), {
    ...LATENTS,
    add_wav_header: { kind: 'bool', default: true },
    stream_chunk_size: { kind: 'str', default: '20' },
  })
  const language = checkJob(res, ctx, input.text, input.language)
  if (!language) return
  if (faults.garbage) return sendGarbage(ctx, scope, 'audio/wav')
  // Headers go out before any synthesis, as StreamingResponse does.
  res.writeHead(200, { 'content-type': 'audio/wav', 'transfer-encoding': 'chunked' })
  res.flushHeaders()
  const tokens = Number(input.stream_chunk_size)
  if (
    !Number.isInteger(tokens) ||
    tokens < 1 ||
    (ctx.strictLatents && !latentsHaveXttsShape(input))
  ) {
    // The real server fails inside the generator: the 200 ends with no body and no last chunk.
    res.socket?.destroy()
    return
  }
  const writer = createBodyWriter(res, faults.cutAfterBytes)
  await produce(ctx, signal, xttsJob(input, language, tokens * SAMPLES_PER_TOKEN), (chunk, i) => {
    const audio = pcm16ToBytes(chunk)
    if (i > 0 || !input.add_wav_header) return writer.write(audio)
    const header = streamingWavHeader({ sampleRate: XTTS_SAMPLE_RATE, channels: 1 })
    return writer.write(concatBytes([header, audio]))
  })
  writer.end()
}

/** `POST /tts`: a JSON string holding base64 of a complete 24 kHz WAV, after the whole synthesis. */
export async function tts(ctx: SynthesisContext, scope: RequestScope): Promise<void> {
  const { res, faults, signal } = scope
  const input = validateBody<XttsInput>(parseJsonBody(scope.body), LATENTS)
  const language = checkJob(res, ctx, input.text, input.language)
  if (!language) return
  if (ctx.strictLatents && !latentsHaveXttsShape(input)) return sendError(res, 500)
  if (faults.garbage) return sendGarbage(ctx, scope, 'application/json')
  const parts: Int16Array[] = []
  await produce(ctx, signal, xttsJob(input, language, 20 * SAMPLES_PER_TOKEN), async (chunk) => {
    parts.push(chunk)
    return true
  })
  const wav = writeWav({ sampleRate: XTTS_SAMPLE_RATE, channels: 1 }, concatSamples(parts))
  const body = Buffer.from(JSON.stringify(encodeBase64(wav)))
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) })
  const writer = createBodyWriter(res, faults.cutAfterBytes)
  if (await writer.write(body)) writer.end()
}

interface SpeechInput {
  model: string
  input: string
  voice: string
  response_format: string
  speed: number
  language: string
}

/**
 * `POST /v1/audio/speech` as OpenAI-compatible servers: `wav` (a complete header, then PCM)
 * or `pcm` (raw s16le 24 kHz), streamed as it is produced.
 */
export async function openAiSpeech(ctx: SynthesisContext, scope: RequestScope): Promise<void> {
  const { res, faults, signal } = scope
  const input = validateBody<SpeechInput>(parseJsonBody(scope.body), {
    model: { kind: 'str', default: 'tts-1' },
    input: { kind: 'str' },
    voice: { kind: 'str', default: 'alloy' },
    response_format: { kind: 'str', default: 'wav' },
    speed: { kind: 'float', default: 1, ge: 0.25, le: 4 },
    language: { kind: 'str', default: 'en' },
  })
  const format = input.response_format.toLowerCase()
  if (format !== 'wav' && format !== 'pcm') {
    return sendError(
      res,
      400,
      `response_format '${input.response_format}' is not supported here; use 'wav' or 'pcm'`,
    )
  }
  const language = checkJob(res, ctx, input.input, input.language)
  if (!language) return
  if (faults.garbage) return sendGarbage(ctx, scope, format === 'wav' ? 'audio/wav' : 'audio/pcm')
  const writer = createBodyWriter(res, faults.cutAfterBytes)
  let started = false
  await produce(
    ctx,
    signal,
    {
      text: input.input,
      language,
      voice: voiceForName(input.voice),
      speed: input.speed,
      chunkSamples: 20 * SAMPLES_PER_TOKEN,
    },
    async (chunk) => {
      if (!started) {
        started = true
        res.writeHead(200, {
          'content-type': format === 'wav' ? 'audio/wav' : 'audio/pcm',
          'transfer-encoding': 'chunked',
        })
        // The length is unknown while streaming; like OpenAI's, the sizes say "to the end".
        const header = streamingWavHeader({
          sampleRate: XTTS_SAMPLE_RATE,
          channels: 1,
          sizes: 'max',
        })
        if (format === 'wav' && !(await writer.write(header))) return false
      }
      return writer.write(pcm16ToBytes(chunk))
    },
  )
  writer.end()
}

/** Answers a body that failed validation, as FastAPI does. */
export function sendValidationError(res: ServerResponse, detail: unknown): void {
  sendJson(res, 422, { detail })
}
