import { describe, expect, it } from 'vitest'
import { isEdgeRequestError, isEdgeUnavailableError } from '../errors/index.ts'
import { createVoices } from './index.ts'

// A unit test of this module alone: `fetch` answers as the edge does (the real edge is driven
// through these calls by the CLI's end-to-end test, `tts voices`).
function edge(answer: (request: Request) => Response | Promise<Response>) {
  const seen: Request[] = []
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    const request = new Request(url, init)
    seen.push(request)
    return answer(request)
  }
  return { seen, voices: createVoices({ endpoint: 'http://edge.test/', apiKey: 'k', fetch }) }
}

const problem = (status: number, code: string, detail: string) =>
  new Response(JSON.stringify({ status, code, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  })

describe('createVoices', () => {
  it('lists, clones (multipart with the clip and name) and removes', async () => {
    const clip = new Uint8Array([82, 73, 70, 70, crypto.getRandomValues(new Uint8Array(1))[0] ?? 0])
    const { seen, voices } = edge(async (request) => {
      if (request.method === 'GET')
        return Response.json({ voices: [{ id: 'alloy', name: 'x', kind: 'openai' }] })
      if (request.method === 'POST') {
        const form = await request.formData()
        const file = form.get('file') as File
        expect(new Uint8Array(await file.arrayBuffer())).toEqual(clip)
        return Response.json(
          { id: 'voice_1', name: form.get('name'), kind: 'cloned' },
          { status: 201 },
        )
      }
      return new Response(null, { status: 204 })
    })
    expect(await voices.list()).toEqual([{ id: 'alloy', name: 'x', kind: 'openai' }])
    expect(await voices.clone(clip, { name: 'Me' })).toEqual({
      id: 'voice_1',
      name: 'Me',
      kind: 'cloned',
    })
    await voices.remove('voice_1')
    expect(seen.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'GET /v1/voices',
      'POST /v1/voices',
      'DELETE /v1/voices/voice_1',
    ])
    expect(seen.every((r) => r.headers.get('authorization') === 'Bearer k')).toBe(true)
  })

  it('types the failures: the caller’s with the edge’s code, the edge’s as unavailable', async () => {
    const missing = await edge(() => problem(404, 'not_found', 'voice "v" does not exist'))
      .voices.remove('v')
      .catch((e: unknown) => e)
    expect(isEdgeRequestError(missing) && missing.code).toBe('not_found')
    expect((missing as Error).message).toMatch(/404: voice "v" does not exist/)
    const scope = await edge(() => problem(403, 'forbidden', 'needs the voices scope'))
      .voices.list()
      .catch((e: unknown) => e)
    expect(isEdgeRequestError(scope) && scope.status).toBe(403)
    const down = await edge(() => problem(503, 'upstream_unavailable', 'down'))
      .voices.clone(new Uint8Array(4))
      .catch((e: unknown) => e)
    expect(isEdgeUnavailableError(down) && down.code).toBe('upstream_unavailable')
    const unreachable = await edge(() => {
      throw new TypeError('fetch failed')
    })
      .voices.list()
      .catch((e: unknown) => e)
    expect(isEdgeUnavailableError(unreachable) && unreachable.code).toBe('network_error')
  })
})
