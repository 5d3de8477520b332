/**
 * @module server/openai — `POST /v1/audio/speech` as OpenAI-compatible servers answer it:
 * `wav` (an open-ended header, then PCM) or raw `pcm`, streamed as it is produced.
 */
import { pcm16ToBytes, streamingWavHeader, XTTS_SAMPLE_RATE } from '@tts/core/audio'
import { failsOn } from '../faults/index.ts'
import { voiceForName } from '../speakers/index.ts'
import { parseJsonBody, validateBody } from '../validate/index.ts'
import { createBodyWriter, sendError } from './http.ts'
import { produce } from './produce.ts'
import {
  checkJob,
  type RequestScope,
  SAMPLES_PER_TOKEN,
  type SynthesisContext,
  sendGarbage,
} from './synthesis.ts'

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
  if (failsOn(faults, input.input)) return sendError(res, 500)
  if (faults.garbage) return sendGarbage(ctx, scope, format === 'wav' ? 'audio/wav' : 'audio/pcm')
  const writer = createBodyWriter(res, faults.cutAfterBytes)
  let started = false
  await produce(
    ctx,
    signal,
    {
      route: '/v1/audio/speech',
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
