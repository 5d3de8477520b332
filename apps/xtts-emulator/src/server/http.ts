/**
 * @module server/http — small helpers over `node:http`: bodies, JSON answers, abortable
 * sleeps, and an audio body writer that can cut the connection after N bytes.
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http'
import { sleep as abortableSleep } from '@tts/core/resilience'

/** A request body over the limit. */
export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError'
}

/**
 * Reads the whole request body, refusing more than `limit` bytes.
 *
 * @example
 * const bytes = await readBody(req, 50 * 1024 * 1024)
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new BodyTooLargeError(`request body is over ${limit} bytes`)
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks)
}

/**
 * Sends a JSON answer with its length.
 *
 * @example
 * sendJson(res, 200, ['en', 'fr'])
 */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(JSON.stringify(body))
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    ...headers,
  })
  res.end(bytes)
}

/**
 * Sends an error the way FastAPI/uvicorn do: 500 is plain text and closes the connection,
 * anything else is `{"detail": ...}`.
 *
 * @example
 * sendError(res, 503)
 */
export function sendError(
  res: ServerResponse,
  status: number,
  detail?: unknown,
  headers: Record<string, string> = {},
): void {
  if (status === 500) {
    const body = 'Internal Server Error'
    res.writeHead(500, {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': String(body.length),
      connection: 'close',
      ...headers,
    })
    res.end(body)
    return
  }
  sendJson(res, status, { detail: detail ?? STATUS_CODES[status] ?? 'Error' }, headers)
}

/**
 * Core's abortable `sleep`, except that a wait of 0 ms or less resolves at once: core's still
 * waits for a timer (≥ 1 ms), and here a pacing deadline already passed or a first-byte delay
 * of 0 is common, so every late chunk would fall a little further behind.
 *
 * @example
 * await sleep(600, signal)
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 && !signal?.aborted) return Promise.resolve()
  return abortableSleep(ms, signal)
}

/** Writes an answer's body, honouring a cut: after `cutAfterBytes`, the socket is destroyed. */
export interface BodyWriter {
  /** False once the connection is gone (cut or closed by the caller): stop producing. */
  write(bytes: Uint8Array): Promise<boolean>
  end(): void
  /** Body bytes written so far. */
  readonly sent: number
}

/**
 * @example
 * const body = createBodyWriter(res, faults.cutAfterBytes)
 * if (!(await body.write(chunk))) return
 */
export function createBodyWriter(res: ServerResponse, cutAfterBytes: number | null): BodyWriter {
  let sent = 0
  let gone = false
  // Settles on the write's callback or on the connection closing, whichever comes first: Node
  // may never call back a write still queued when the caller goes away, and a producer waiting
  // on it would hold the one GPU for good (every later request then timed out).
  const flush = (bytes: Uint8Array) =>
    new Promise<void>((resolve) => {
      const done = () => {
        res.off('close', done)
        resolve()
      }
      res.once('close', done)
      res.write(bytes, done)
    })
  return {
    get sent() {
      return sent
    },
    async write(bytes) {
      if (gone || res.destroyed) return false
      if (cutAfterBytes !== null && sent + bytes.length >= cutAfterBytes) {
        const part = bytes.subarray(0, cutAfterBytes - sent)
        if (part.length > 0) await flush(part)
        sent += part.length
        gone = true
        // No terminating chunk, no Content-Length satisfied: the caller sees a truncated body.
        res.socket?.destroy()
        res.destroy()
        return false
      }
      await flush(bytes)
      sent += bytes.length
      return !res.destroyed
    },
    end() {
      if (!gone && !res.destroyed) res.end()
    },
  }
}
