/**
 * @module server/xtts — XTTS's own synthesis endpoints: `POST /tts_stream` (a WAV streamed as
 * it is produced) and `POST /tts` (base64 of a whole WAV in a JSON string), with the real
 * server's answers to latents of the wrong shape.
 */
import {
  concatSamples,
  pcm16ToBytes,
  streamingWavHeader,
  writeWav,
  XTTS_SAMPLE_RATE,
} from '@tts/core/audio'
import { concatBytes, encodeBase64 } from '@tts/core/bytes'
import { failsOn } from '../faults/index.ts'
import { EMBEDDING_SIZE, LATENT_WIDTH, voiceForLatents } from '../speakers/index.ts'
import { type FieldSpec, parseJsonBody, validateBody } from '../validate/index.ts'
import { createBodyWriter, sendError } from './http.ts'
import { type Job, produce } from './produce.ts'
import {
  checkJob,
  type RequestScope,
  SAMPLES_PER_TOKEN,
  type SynthesisContext,
  sendGarbage,
} from './synthesis.ts'

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

// XTTS requests carry a voice as latents and have no speed control.
function xttsJob(route: string, input: XttsInput, language: string, chunkSamples: number): Job {
  return {
    route,
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
    failsOn(faults, input.text) ||
    !Number.isInteger(tokens) ||
    tokens < 1 ||
    (ctx.strictLatents && !latentsHaveXttsShape(input))
  ) {
    // The real server fails inside the generator: the 200 ends with no body and no last chunk.
    res.socket?.destroy()
    return
  }
  const writer = createBodyWriter(res, faults.cutAfterBytes)
  await produce(
    ctx,
    signal,
    xttsJob('/tts_stream', input, language, tokens * SAMPLES_PER_TOKEN),
    (chunk, i) => {
      const audio = pcm16ToBytes(chunk)
      if (i > 0 || !input.add_wav_header) return writer.write(audio)
      const header = streamingWavHeader({ sampleRate: XTTS_SAMPLE_RATE, channels: 1 })
      return writer.write(concatBytes([header, audio]))
    },
  )
  writer.end()
}

/** `POST /tts`: a JSON string holding base64 of a complete 24 kHz WAV, after the whole synthesis. */
export async function tts(ctx: SynthesisContext, scope: RequestScope): Promise<void> {
  const { res, faults, signal } = scope
  const input = validateBody<XttsInput>(parseJsonBody(scope.body), LATENTS)
  const language = checkJob(res, ctx, input.text, input.language)
  if (!language) return
  if (ctx.strictLatents && !latentsHaveXttsShape(input)) return sendError(res, 500)
  if (failsOn(faults, input.text)) return sendError(res, 500)
  if (faults.garbage) return sendGarbage(ctx, scope, 'application/json')
  const parts: Int16Array[] = []
  await produce(
    ctx,
    signal,
    xttsJob('/tts', input, language, 20 * SAMPLES_PER_TOKEN),
    async (chunk) => {
      parts.push(chunk)
      return true
    },
  )
  const wav = writeWav({ sampleRate: XTTS_SAMPLE_RATE, channels: 1 }, concatSamples(parts))
  const body = Buffer.from(JSON.stringify(encodeBase64(wav)))
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) })
  const writer = createBodyWriter(res, faults.cutAfterBytes)
  if (await writer.write(body)) writer.end()
}
