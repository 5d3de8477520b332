/**
 * @module voices — the edge's voice routes from an app: list the voices a key can use, clone
 * one from a reference clip (XTTS-v2 takes a few seconds of clean speech), delete a cloned one.
 * Cloned voices belong to the API key that created them; the key needs the `voices` scope.
 *
 * Plain `fetch` rather than the speech transport: these calls have no fallback, so every
 * failure is reported as it is — `EdgeRequestError` for the caller's (4xx, with the edge's
 * problem `code`), `EdgeUnavailableError` for the edge's (network, timeout, 5xx, 429).
 */
import { EdgeRequestError, EdgeUnavailableError } from '../errors/index.ts'

/** A voice the edge can speak with. */
export interface Voice {
  /** What to pass as `voice`: an OpenAI name (`alloy`), an upstream speaker, or `voice_…`. */
  id: string
  name: string
  /** `openai`: mapped OpenAI name; `speaker`: the upstream's own; `cloned`: this key's clone. */
  kind: 'openai' | 'speaker' | 'cloned'
}

/** Options of {@link createVoices}. */
export interface VoicesOptions {
  endpoint: string
  apiKey?: string | undefined
  /** Per call; cloning runs the upstream, so it is given four times this. Default 10000. */
  timeoutMs?: number
  fetch?: typeof fetch
}

/** The voice calls. */
export interface Voices {
  list(signal?: AbortSignal): Promise<Voice[]>
  /** Clones a voice from a WAV clip; resolves to the new voice (`kind: 'cloned'`). */
  clone(clip: Blob | Uint8Array, options?: { name?: string; signal?: AbortSignal }): Promise<Voice>
  /** Deletes a cloned voice of this key; `EdgeRequestError` `not_found` if there is none. */
  remove(id: string, signal?: AbortSignal): Promise<void>
}

async function failure(response: Response): Promise<Error> {
  let problem: { code?: unknown; detail?: unknown } = {}
  try {
    problem = (await response.json()) as typeof problem
  } catch {}
  const status = response.status
  const code = typeof problem.code === 'string' ? problem.code : `http_${status}`
  const message = `the edge answered ${status}${typeof problem.detail === 'string' ? `: ${problem.detail}` : ''}`
  if (status >= 400 && status < 500 && status !== 408 && status !== 429)
    return new EdgeRequestError(status, code, message, { status })
  return new EdgeUnavailableError(code, message, { status })
}

/**
 * Voice calls against the edge at `endpoint`.
 *
 * @example
 * const voices = createVoices({ endpoint: 'https://tts.example.com', apiKey })
 * const me = await voices.clone(await readFile('me.wav'), { name: 'Me' })
 * await tts.speak('In my own voice.', { voice: me.id })
 * await voices.remove(me.id)
 */
export function createVoices(options: VoicesOptions): Voices {
  const base = options.endpoint.replace(/\/+$/, '')
  const timeoutMs = options.timeoutMs ?? 10_000
  const doFetch = options.fetch ?? globalThis.fetch
  const call = async (
    method: string,
    path: string,
    init: { body?: FormData; signal?: AbortSignal | undefined; slow?: boolean } = {},
  ): Promise<Response> => {
    const timeout = AbortSignal.timeout(init.slow ? timeoutMs * 4 : timeoutMs)
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout
    let response: Response
    try {
      response = await doFetch(`${base}${path}`, {
        method,
        headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
        ...(init.body ? { body: init.body } : {}),
        signal,
      })
    } catch (cause) {
      if (init.signal?.aborted) throw cause
      const timedOut = timeout.aborted
      throw new EdgeUnavailableError(
        timedOut ? 'timeout' : 'network_error',
        timedOut ? 'the edge did not answer in time' : 'the edge could not be reached',
        { cause },
      )
    }
    if (!response.ok) throw await failure(response)
    return response
  }
  return {
    async list(signal) {
      const body = (await (await call('GET', '/v1/voices', { signal })).json()) as {
        voices: Voice[]
      }
      return body.voices
    },
    async clone(clip, { name, signal } = {}) {
      const form = new FormData()
      const blob = clip instanceof Blob ? clip : new Blob([clip as BlobPart], { type: 'audio/wav' })
      form.append('file', blob, 'reference.wav')
      if (name !== undefined) form.append('name', name)
      return (await (
        await call('POST', '/v1/voices', { body: form, signal, slow: true })
      ).json()) as Voice
    },
    async remove(id, signal) {
      if (id.trim() === '')
        throw new EdgeRequestError(400, 'invalid_request', 'give the id of the voice to delete')
      await call('DELETE', `/v1/voices/${encodeURIComponent(id)}`, { signal })
    },
  }
}
