/**
 * @module pool/probes — half-open probes: one fixed short phrase per upstream whose open time
 * is up, so a probe never carries a user's text. Started by the alarm (`wake`) and by callers
 * that found half-open members — never as a side effect of reading a breaker.
 */
import { withTimeout } from '@tts/core/resilience'
import { synthesisDeadlineMs } from '../settings/index.ts'
import type { VoiceRef } from '../upstream/index.ts'
import { PoolError } from './errors.ts'
import type { Member } from './member.ts'
import { codeOf, ordered, type PoolState } from './state.ts'

/** `text` with `member`'s URL and host replaced by its name: an error's text may carry them. */
function withoutHost(member: Member, text: string): string {
  return text
    .replaceAll(member.config.url, member.name)
    .replaceAll(new URL(member.config.url).host, member.name)
}

/** The probe runner of one pool. */
export interface Prober {
  /** Probes each of `members` that is half-open and has no probe out. */
  probe(members: readonly Member[]): void
  /** Probes every upstream whose open time is up; re-arms the wake-up for the others. */
  wake(): void
  /**
   * Probes `member` now (a closed one: did an input fail, or the upstream?); true when it
   * served the fixed phrase. A success closes the count of consecutive failures; a failure
   * is not counted here (the request that asked counts once, then). Callers at the same time
   * share one probe.
   */
  verify(member: Member): Promise<boolean>
}

/**
 * A prober over `state`.
 *
 * @example
 * const prober = createProber(state)
 * prober.wake()
 */
export function createProber(state: PoolState): Prober {
  const probing = new Set<string>()
  const { host } = state

  async function run(member: Member): Promise<void> {
    const config = state.config
    if (!config) return
    const opts = config.options
    const release = await member.gate.acquire({ deadline: Date.now() + opts.ttfbMs })
    try {
      const synth = await member.synthesizer()
      const deadline = AbortSignal.timeout(synthesisDeadlineMs(opts, opts.probeText.length))
      // A configured voice, else the upstream's first: a probe must not fail on the name.
      const name =
        Object.values(config.voiceMap)[0] ??
        (await withTimeout((s) => synth.voices({ signal: s }), opts.ttfbMs))[0]?.id ??
        'alloy'
      const voice: VoiceRef = { kind: 'speaker', name }
      await synth.prepare?.(voice, { signal: deadline })
      const result = await withTimeout(
        (ttfb) =>
          synth.synthesize(
            { text: opts.probeText, language: opts.probeLanguage, voice, speed: 1, stream: true },
            { signal: AbortSignal.any([ttfb, deadline]) },
          ),
        opts.ttfbMs,
      )
      let samples = 0
      for await (const pcm of result.chunks) samples += pcm.length
      if (samples === 0) throw new PoolError('upstream_invalid_audio', 'the probe got no audio')
    } finally {
      release()
    }
  }

  /** The success line of each kind of probe (the verifying one says what it proved). */
  const succeeded = {
    scheduled: 'upstream probe succeeded',
    verifying: 'verifying probe succeeded: the input is at fault',
  } as const

  /**
   * One probe of `member`: on success its breaker and health hear of it and the success is
   * logged; a failure is returned for the caller to count (or not) as its kind requires.
   */
  async function probeOnce(
    member: Member,
    kind: keyof typeof succeeded,
  ): Promise<{ ok: true } | { ok: false; error: unknown }> {
    const started = Date.now()
    try {
      await run(member)
    } catch (error) {
      return { ok: false, error }
    }
    member.breaker.success()
    member.noteSuccess()
    host.log.info(succeeded[kind], {
      event: 'probe',
      upstream: member.name,
      ms: Date.now() - started,
    })
    return { ok: true }
  }

  function start(member: Member): void {
    if (probing.has(member.id) || !state.config) return
    if (!member.breaker.tryAcquire()) return
    probing.add(member.id)
    void probeOnce(member, 'scheduled').then((outcome) => {
      if (!outcome.ok) {
        const { error } = outcome
        member.settle(error)
        // A probe that proved nothing (say, a caller's abort) must not leave it half-open.
        if (member.breaker.state === 'half-open') member.breaker.failure(error)
        host.log.warn('upstream probe failed', {
          event: 'probe',
          upstream: member.name,
          code: codeOf(error),
          reason: withoutHost(member, (error as Error | null)?.message ?? String(error)),
        })
      }
      probing.delete(member.id)
    })
  }

  /** Verifying probes under way, by member: failures at the same time share one. */
  const verifying = new Map<string, Promise<boolean>>()

  function verify(member: Member): Promise<boolean> {
    const running = verifying.get(member.id)
    if (running) return running
    const done = verifyOnce(member).finally(() => verifying.delete(member.id))
    verifying.set(member.id, done)
    return done
  }

  async function verifyOnce(member: Member): Promise<boolean> {
    const outcome = await probeOnce(member, 'verifying')
    if (!outcome.ok) {
      host.log.info('verifying probe failed: the upstream, not the input', {
        event: 'probe',
        upstream: member.name,
        code: codeOf(outcome.error),
      })
    }
    return outcome.ok
  }

  return {
    verify,
    probe(members) {
      for (const m of members) start(m)
    },
    wake() {
      let next = Number.POSITIVE_INFINITY
      for (const m of ordered(state)) {
        const breakerState = m.breaker.state
        if (breakerState === 'half-open') start(m)
        else if (breakerState === 'open') {
          next = Math.min(next, Date.now() + m.breaker.retryAfterMs())
        }
      }
      if (Number.isFinite(next)) host.wakeAt(next + 5)
    },
  }
}
