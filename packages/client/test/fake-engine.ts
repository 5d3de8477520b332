/**
 * @module test/fake-engine — a local engine that records what it was asked and answers a tiny
 * WAV: for unit tests of the client's routing (which engine speaks, with what request), never a
 * stand-in for espeak-ng in an integration test.
 */
import type { LocalEngine, LocalSpeechRequest } from '../src/types.ts'
import { tinyWav } from './http-server.ts'

/**
 * An engine named `name` and the requests it got, in order.
 *
 * @example
 * const { engine, calls } = fakeEngine()
 */
export function fakeEngine(name = 'fake'): { engine: LocalEngine; calls: LocalSpeechRequest[] } {
  const calls: LocalSpeechRequest[] = []
  const engine: LocalEngine = {
    name,
    isAvailable: async () => true,
    synthesize: async (request) => {
      calls.push(request)
      return { audio: tinyWav(100), mimeType: 'audio/wav', format: 'wav' }
    },
  }
  return { engine, calls }
}
