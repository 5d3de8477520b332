/**
 * @module pool/voice-call — a voice operation (a speaker's identity, the voice and language
 * lists, a clone) routed to a healthy upstream: which limits each one gets, and which
 * synthesizer method answers it. Kept apart from the engine, whose job is syntheses.
 */

import type { Latents, Synthesizer, UpstreamVoice, VoiceRef } from '../upstream/index.ts'
import { type AttemptDeps, onAnyMember } from './attempt.ts'
import { optionsOf } from './state.ts'

/** A voice operation the pool routes to a healthy upstream. */
export type VoiceCall =
  | { op: 'voiceIdentity'; voice: VoiceRef }
  | { op: 'voices' }
  | { op: 'languages' }
  | { op: 'cloneVoice'; audio: Uint8Array }

/** What a voice operation returns. */
export type VoiceValue = string | string[] | UpstreamVoice[] | Latents

/**
 * A voice operation on a healthy upstream, with breaker, time limit and failover; a clone
 * (GPU work) also waits for a gate slot and gets the synthesis deadline.
 *
 * @example
 * const voices = (await callVoice(deps, { op: 'voices' })) as UpstreamVoice[]
 */
export function callVoice(deps: AttemptDeps, call: VoiceCall): Promise<VoiceValue> {
  const opts = optionsOf(deps.state)
  const clone = call.op === 'cloneVoice'
  const how = {
    gated: clone,
    timeoutMs: clone ? opts.deadlineBaseMs : opts.ttfbMs,
    // A speaker's identity digests its latents: loading them is not part of the answer time.
    ...(call.op === 'voiceIdentity'
      ? {
          prepare: async (synth: Synthesizer, signal: AbortSignal) => {
            await synth.prepare?.(call.voice, { signal })
          },
          prepareMs: opts.deadlineBaseMs,
        }
      : {}),
  }
  return onAnyMember<VoiceValue>(deps, how, (synth, signal) => {
    switch (call.op) {
      case 'voiceIdentity':
        return synth.voiceIdentity(call.voice, { signal })
      case 'voices':
        return synth.voices({ signal })
      case 'languages':
        return synth.languages({ signal })
      case 'cloneVoice':
        return synth.cloneVoice(call.audio, { signal })
    }
  })
}
