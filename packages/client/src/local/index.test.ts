import { describe, expect, it } from 'vitest'
import { isAbortedError, isLocalEngineError } from '../errors/index.ts'
import type { LocalEngine, LocalSpeechRequest } from '../types.ts'
import { runLocalEngines } from './index.ts'

const request: LocalSpeechRequest = {
  text: 'Hola',
  language: 'es',
  locale: 'es-ES',
  speed: 1,
  pitch: 1,
}
const bytes = (name: string, extra: Partial<LocalEngine> = {}): LocalEngine => ({
  name,
  isAvailable: async () => true,
  synthesize: async () => ({ audio: new Uint8Array([1]), mimeType: 'audio/wav', format: 'wav' }),
  ...extra,
})
const aloudOnly = (name: string): LocalEngine => ({
  name,
  isAvailable: async () => true,
  speak: async () => {},
})

describe('runLocalEngines', () => {
  it('skips unavailable engines and hands a failure to the next, in order', async () => {
    const outcome = await runLocalEngines(
      [
        bytes('off', { isAvailable: async () => false }),
        bytes('broken', {
          synthesize: async () => {
            throw new Error('no voice')
          },
        }),
        bytes('good'),
      ],
      request,
      { aloud: false },
    )
    expect(outcome.kind).toBe('audio')
    expect(outcome.engine.name).toBe('good')
  })

  it('uses an engine that only speaks aloud for speak(), never for bytes', async () => {
    expect((await runLocalEngines([aloudOnly('web')], request, { aloud: true })).kind).toBe(
      'direct',
    )
    const error = await runLocalEngines([aloudOnly('web')], request, {
      aloud: false,
      reason: 'timeout',
    }).catch((e: unknown) => e)
    expect(isLocalEngineError(error)).toBe(true)
    expect((error as Error).message).toContain('timeout')
  })

  it('stops at once when the request is cancelled', async () => {
    const controller = new AbortController()
    controller.abort()
    const error = await runLocalEngines(
      [
        bytes('slow', {
          synthesize: async () => {
            throw new DOMException('aborted', 'AbortError')
          },
        }),
        bytes('never'),
      ],
      { ...request, signal: controller.signal },
      { aloud: false },
    ).catch((e: unknown) => e)
    expect(isAbortedError(error)).toBe(true)
  })

  it("puts each failed engine's own message in the error, so a setup problem reaches the app", async () => {
    const error = await runLocalEngines(
      [
        bytes('espeak', {
          isAvailable: async () => {
            throw new Error("needs the optional package '@tts/espeak'")
          },
        }),
        bytes('off', { isAvailable: async () => false }),
      ],
      request,
      { aloud: false, reason: 'network_error' },
    ).catch((e: unknown) => e)
    expect(isLocalEngineError(error)).toBe(true)
    expect((error as Error).message).toMatch(
      /network_error.*could speak es; espeak: needs the optional package '@tts\/espeak'$/,
    )
  })
})
