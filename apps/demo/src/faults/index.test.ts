import { describe, expect, it } from 'vitest'
import { applyFaultPreset, FAULT_PRESETS, FAULTS_PATH, presetOf } from './index.ts'

describe('faults', () => {
  it('posts the whole preset, so a switch never leaves the previous fault set', async () => {
    const calls: { url: string; body: unknown }[] = []
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, body: JSON.parse(String(init.body)) })
      return Response.json({ ...FAULT_PRESETS.slow, errorRate: 0 })
    }) as unknown as typeof fetch
    const state = await applyFaultPreset('slow', fakeFetch)
    expect(calls).toEqual([{ url: FAULTS_PATH, body: FAULT_PRESETS.slow }])
    expect(presetOf(state)).toBe('slow')
    for (const preset of Object.values(FAULT_PRESETS)) {
      expect(Object.keys(preset).sort()).toEqual(['cutAfterBytes', 'down', 'firstByteDelayMs'])
    }
  })

  it('reports a refused change', async () => {
    const refuse = (async () => new Response('no', { status: 400 })) as unknown as typeof fetch
    await expect(applyFaultPreset('down', refuse)).rejects.toThrow(/HTTP 400/)
  })

  it('recognises each preset and an outside change', () => {
    for (const name of ['none', 'down', 'slow', 'cut'] as const) {
      expect(presetOf({ ...FAULT_PRESETS[name], errorRate: 0 })).toBe(name)
    }
    expect(presetOf({ down: false, firstByteDelayMs: 123, cutAfterBytes: null })).toBe('other')
  })
})
