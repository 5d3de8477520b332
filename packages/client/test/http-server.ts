/**
 * @module test/http-server — a throwaway HTTP server on 127.0.0.1, port 0, for unit tests of
 * the edge transport and client: each test scripts the answers it needs and counts requests.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { writeWav, XTTS_SAMPLE_RATE } from '@tts/core/audio'

export interface Recorded {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

export type Handler = (req: Recorded, res: ServerResponse) => void | Promise<void>

export async function startServer(handler: Handler) {
  const requests: Recorded[] = []
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const recorded = {
      method: req.method ?? '',
      url: req.url ?? '',
      headers: req.headers,
      body: Buffer.concat(chunks).toString(),
    }
    requests.push(recorded)
    try {
      await handler(recorded, res)
    } catch {
      res.destroy()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A small valid WAV: 24 kHz mono s16le, `ms` long, a quiet tone. */
export function tinyWav(ms = 200): Uint8Array {
  const samples = new Int16Array(Math.round((XTTS_SAMPLE_RATE * ms) / 1000))
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(3000 * Math.sin(i / 10))
  return writeWav({ sampleRate: XTTS_SAMPLE_RATE, channels: 1 }, samples)
}

export function sendWav(
  res: ServerResponse,
  headers: Record<string, string> = {},
  wav = tinyWav(),
) {
  res.writeHead(200, {
    'content-type': 'audio/wav',
    'x-tts-cache': 'MISS',
    'x-tts-language': 'en',
    ...headers,
  })
  res.end(Buffer.from(wav))
}

export function sendProblem(
  res: ServerResponse,
  status: number,
  code: string,
  extra: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...extra })
  res.end(
    JSON.stringify({
      type: 'about:blank',
      title: 'Problem',
      status,
      code,
      detail: `failed with ${code}`,
    }),
  )
}
