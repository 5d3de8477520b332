/**
 * @module speech/sse — OpenAI's streaming forms of `POST /v1/audio/speech`: `stream_format:
 * "audio"` is our `stream: true` (raw audio as it is produced), and `stream_format: "sse"` wraps
 * the same audio in server-sent events as OpenAI documents them: a `speech.audio.delta` event per
 * chunk with the chunk's bytes in base64 (in `response_format`), then one `speech.audio.done`.
 * The edge counts no tokens, so `usage` reports 0s. A stream that breaks ends without `done`,
 * which is how an OpenAI SDK tells a cut from a finished answer.
 */

/** The values of `stream_format`. */
export const STREAM_FORMATS = ['audio', 'sse'] as const
export type StreamFormat = (typeof STREAM_FORMATS)[number]

const encoder = new TextEncoder()

function base64(bytes: Uint8Array): string {
  let binary = ''
  // In slices: String.fromCharCode takes its bytes as arguments, and argument lists are bounded.
  for (let at = 0; at < bytes.byteLength; at += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000))
  return btoa(binary)
}

const event = (data: unknown) => encoder.encode(`data: ${JSON.stringify(data)}\n\n`)

/**
 * The audio answer `audio` as OpenAI's SSE stream; other statuses (304, 206, problems) pass.
 *
 * @example
 * if (body.stream_format === 'sse') response = toSse(response)
 */
export function toSse(audio: Response): Response {
  if (audio.status !== 200 || !audio.body) return audio
  const reader = audio.body.getReader()
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await reader.read()
      if (next.done) {
        const usage = { input_tokens: 0, output_tokens: 0, total_tokens: 0 }
        controller.enqueue(event({ type: 'speech.audio.done', usage }))
        controller.close()
        return
      }
      if (next.value.byteLength > 0)
        controller.enqueue(event({ type: 'speech.audio.delta', audio: base64(next.value) }))
    },
    cancel: (reason) => reader.cancel(reason),
  })
  const headers = new Headers(audio.headers)
  headers.set('content-type', 'text/event-stream')
  headers.set('cache-control', 'no-cache')
  for (const h of ['content-length', 'accept-ranges', 'content-range', 'etag']) headers.delete(h)
  return new Response(body, { status: 200, headers })
}
