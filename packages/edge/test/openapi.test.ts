import { describe, expect, it } from 'vitest'
import packageJson from '../package.json' with { type: 'json' }
import { app } from '../src/app.ts'
import { call, keys } from './helpers.ts'

interface Doc {
  info: { title: string; version: string }
  paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> }
}

const doc = async () => (await call('/openapi.json', { key: null })).json<Doc>()

describe('the OpenAPI document', () => {
  it('describes every route the app serves, with the package version', async () => {
    const { info, paths } = await doc()
    expect(info.version).toBe(packageJson.version)
    const documented = new Set(
      Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    )
    const served = app.routes
      .filter((r) => r.method !== 'ALL' && !['/openapi.json', '/docs'].includes(r.path))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
    expect(served.length).toBeGreaterThan(8)
    for (const route of served) expect(documented, route).toContain(route)
    for (const path of ['/healthz', '/readyz', '/metrics']) expect(paths).toHaveProperty(path)
  })

  it('lists every status a route can answer, as problems OpenAI clients can read', async () => {
    const { paths, components } = await doc()
    const speech = paths['/v1/audio/speech']?.post?.responses ?? {}
    for (const status of ['200', '400', '401', '403', '413', '429', '502', '503', '504'])
      expect(Object.keys(speech)).toContain(status)
    expect(Object.keys(paths['/readyz']?.get?.responses ?? {})).toEqual(['200', '503'])
    expect(Object.keys(paths['/metrics']?.get?.responses ?? {})).toContain('401')
    expect(components.schemas.Problem?.properties).toHaveProperty('error')
    expect(components.schemas.SpeechRequest?.properties).toHaveProperty('instructions')
  })

  it('has no dangling $ref', async () => {
    const text = JSON.stringify(await doc())
    const { components } = JSON.parse(text) as Doc
    const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1])
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) expect(components.schemas).toHaveProperty(ref as string)
  })

  it('is rendered by Scalar at /docs, without a key', async () => {
    const page = await call('/docs', { key: null })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/text\/html/)
    const html = new TextDecoder().decode(page.body)
    expect(html).toContain('/openapi.json')
    expect(html).toMatch(/@scalar\/api-reference/)
    expect(html).toContain('tts-edge API reference')
  })

  it('serves /metrics as Prometheus text to the admin key', async () => {
    const res = await call('/metrics', { key: keys.admin })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  })

  it('does not count a refused /metrics scrape as a failed speech request', async () => {
    const unauthorized = async () => {
      const text = new TextDecoder().decode((await call('/metrics', { key: keys.admin })).body)
      const line = text.split('\n').find((l) => /^tts_requests\w*\{.*code="unauthorized"/.test(l))
      return Number(line?.split(' ').at(-1) ?? 0)
    }
    const speechBefore = await unauthorized()
    expect((await call('/metrics', { key: null })).status).toBe(401)
    expect((await call('/metrics', { key: keys.speech })).status).toBe(403)
    expect(await unauthorized()).toBe(speechBefore)
    // A refused speech request still counts.
    expect((await call('/v1/audio/speech', { key: null, json: { input: 'x' } })).status).toBe(401)
    expect(await unauthorized()).toBe(speechBefore + 1)
  })
})
