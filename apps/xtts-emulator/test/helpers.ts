/**
 * @module test/helpers — a raw HTTP client for the conformance tests: bytes as sent, when
 * they arrived, and whether the body ended properly (a cut stream has no terminating chunk).
 */
import { request } from 'node:http'

export interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
  /** Body pieces as they arrived, with ms since the request was sent. */
  chunks: { at: number; bytes: number }[]
  headersMs: number
  /** ms until the first body byte; Infinity when none came. */
  firstByteMs: number
  totalMs: number
  /** False when the connection ended before the body did. */
  complete: boolean
}

export interface RawRequest {
  method?: string
  headers?: Record<string, string>
  body?: string | Uint8Array
  json?: unknown
  signal?: AbortSignal
}

/** Sends one request on a fresh connection and collects everything about the answer. */
export function raw(url: string, options: RawRequest = {}): Promise<RawResponse> {
  const started = performance.now()
  const since = () => performance.now() - started
  const body = options.json === undefined ? options.body : JSON.stringify(options.json)
  const headers = {
    ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
    ...options.headers,
  }
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        headers,
        agent: false,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        const headersMs = since()
        const parts: Buffer[] = []
        const chunks: RawResponse['chunks'] = []
        let settled = false
        const finish = (complete: boolean) => {
          if (settled) return
          settled = true
          const total = since()
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(parts),
            chunks,
            headersMs,
            firstByteMs: chunks[0]?.at ?? Number.POSITIVE_INFINITY,
            totalMs: total,
            complete,
          })
        }
        res.on('data', (chunk: Buffer) => {
          parts.push(chunk)
          chunks.push({ at: since(), bytes: chunk.length })
        })
        res.on('end', () => finish(res.complete))
        res.on('aborted', () => finish(false))
        res.on('error', () => finish(false))
        res.on('close', () => finish(res.complete))
      },
    )
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

/** The fields of a 44-byte canonical WAV header. */
export function readWavHeader(bytes: Buffer) {
  return {
    riff: bytes.toString('ascii', 0, 4),
    riffSize: bytes.readUInt32LE(4),
    wave: bytes.toString('ascii', 8, 12),
    fmt: bytes.toString('ascii', 12, 16),
    format: bytes.readUInt16LE(20),
    channels: bytes.readUInt16LE(22),
    sampleRate: bytes.readUInt32LE(24),
    byteRate: bytes.readUInt32LE(28),
    bitsPerSample: bytes.readUInt16LE(34),
    data: bytes.toString('ascii', 36, 40),
    dataSize: bytes.readUInt32LE(40),
  }
}

/** Root mean square of s16le samples. */
export function rms(pcm: Buffer): number {
  let sum = 0
  const n = Math.floor(pcm.length / 2)
  for (let i = 0; i < n; i++) sum += pcm.readInt16LE(i * 2) ** 2
  return Math.sqrt(sum / Math.max(1, n))
}

/** Latents of the first studio speaker, for requests that need some. */
export async function someLatents(url: string, name?: string) {
  const speakers = (await (await fetch(`${url}/studio_speakers`)).json()) as Record<
    string,
    { speaker_embedding: number[]; gpt_cond_latent: number[][] }
  >
  const key = name ?? Object.keys(speakers)[0] ?? ''
  const latents = speakers[key]
  if (!latents) throw new Error(`no studio speaker ${key}`)
  return latents
}

/**
 * Median fundamental frequency of voiced 40 ms frames of s16le audio, by autocorrelation:
 * enough to tell a high voice from a low one although espeak-ng's output is not bit-exact
 * from one call to the next.
 */
export function medianPitchHz(pcm: Buffer, sampleRate = 24_000): number {
  const samples = new Float64Array(Math.floor(pcm.length / 2))
  for (let i = 0; i < samples.length; i++) samples[i] = pcm.readInt16LE(i * 2)
  const frame = Math.round(sampleRate * 0.04)
  const minLag = Math.floor(sampleRate / 400)
  const maxLag = Math.ceil(sampleRate / 60)
  const pitches: number[] = []
  for (let start = 0; start + frame + maxLag < samples.length; start += frame) {
    let energy = 0
    for (let i = start; i < start + frame; i++) energy += (samples[i] ?? 0) ** 2
    if (Math.sqrt(energy / frame) < 1500) continue
    let best = 0
    let bestLag = 0
    for (let lag = minLag; lag <= maxLag; lag++) {
      let sum = 0
      for (let i = start; i < start + frame; i++) sum += (samples[i] ?? 0) * (samples[i + lag] ?? 0)
      if (sum > best) {
        best = sum
        bestLag = lag
      }
    }
    if (bestLag > 0 && best > energy * 0.5) pitches.push(sampleRate / bestLag)
  }
  pitches.sort((a, b) => a - b)
  return pitches[Math.floor(pitches.length / 2)] ?? 0
}
