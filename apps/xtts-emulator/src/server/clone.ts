/**
 * @module server/clone — `POST /clone_speaker`: multipart `wav_file` → latents derived from a
 * digest of the clip's PCM, so the same clip always gives the same voice.
 */
import { createHash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Gpu } from '../gpu/index.ts'
import { latentsFromSeed } from '../speakers/index.ts'
import { ValidationError } from '../validate/index.ts'
import { sendError, sendJson } from './http.ts'
import type { RequestScope } from './synthesis.ts'

const missingFile = () =>
  new ValidationError([
    { loc: ['body', 'wav_file'], msg: 'field required', type: 'value_error.missing' },
  ])

/** The `data` chunk of a RIFF/WAVE file, or undefined when the bytes are not one. */
export function wavData(bytes: Uint8Array): Uint8Array | undefined {
  const ascii = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4))
  if (bytes.length < 12 || ascii(0) !== 'RIFF' || ascii(8) !== 'WAVE') return undefined
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let at = 12; at + 8 <= bytes.length; ) {
    const size = view.getUint32(at + 4, true)
    if (ascii(at) === 'data') {
      const end =
        size === 0 || size === 0xffffffff ? bytes.length : Math.min(bytes.length, at + 8 + size)
      return bytes.subarray(at + 8, end)
    }
    at += 8 + size + (size % 2)
  }
  return undefined
}

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
  const pcm = wavData(bytes)
  if (!pcm || pcm.length === 0) return sendError(scope.res, 500)
  // Computing latents is GPU work on the real server, so it waits its turn here too.
  const release = await gpu.acquire(scope.signal)
  try {
    sendJson(scope.res, 200, latentsFromSeed(createHash('sha256').update(pcm).digest()))
  } finally {
    release()
  }
}
