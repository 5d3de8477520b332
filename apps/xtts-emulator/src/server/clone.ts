/**
 * @module server/clone — `POST /clone_speaker`: multipart `wav_file` → latents derived from a
 * digest of the clip's PCM, so the same clip always gives the same voice.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { parseWav } from '@tts/core/audio'
import type { Gpu } from '../gpu/index.ts'
import { latentsFromSeed } from '../speakers/index.ts'
import { ValidationError } from '../validate/index.ts'
import { sendError, sendJson } from './http.ts'
import type { RequestScope } from './synthesis.ts'

const missingFile = () =>
  new ValidationError([
    { loc: ['body', 'wav_file'], msg: 'field required', type: 'value_error.missing' },
  ])

/**
 * Handles `/clone_speaker`. Not a WAV → 500 (the real server's audio loader fails too).
 *
 * @example
 * await cloneSpeaker(gpu, req, scope)
 */
export async function cloneSpeaker(
  gpu: Gpu,
  req: IncomingMessage,
  scope: RequestScope,
): Promise<void> {
  const contentType = req.headers['content-type'] ?? ''
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) throw missingFile()
  let form: FormData
  try {
    form = await new Request('http://emulator/clone_speaker', {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: new Uint8Array(scope.body),
    }).formData()
  } catch {
    return sendError(scope.res, 400, 'There was an error parsing the body')
  }
  const file = form.get('wav_file')
  if (file === null) throw missingFile()
  const bytes =
    typeof file === 'string'
      ? new TextEncoder().encode(file)
      : new Uint8Array(await file.arrayBuffer())
  let pcm: Uint8Array
  try {
    pcm = parseWav(bytes).data
  } catch {
    return sendError(scope.res, 500)
  }
  if (pcm.length === 0) return sendError(scope.res, 500)
  // Computing latents is GPU work on the real server, so it waits its turn here too.
  const release = await gpu.acquire(scope.signal)
  try {
    sendJson(scope.res, 200, latentsFromSeed(createHash('sha256').update(pcm).digest()))
  } finally {
    release()
  }
}
