import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { app } from './app.ts'

describe('app', () => {
  it('answers /healthz', async () => {
    const res = await app.request('/healthz', {}, env)
    expect(res.status).toBe(200)
  })
})
