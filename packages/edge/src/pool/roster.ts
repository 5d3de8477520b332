/**
 * @module pool/roster — applying a configuration: members kept when unchanged (or busy),
 * built (breaker restored from storage) when new or changed, dropped when gone and idle.
 */
import type { PoolConfig } from '../settings/index.ts'
import { createMember } from './member.ts'
import { codeOf, type PoolState } from './state.ts'

/**
 * Makes `state` serve `next`. Runs only when the configuration changed (the object compares
 * ids, not documents), so comparing members' JSON here costs nothing per request.
 *
 * @example
 * await applyConfig(state, config)
 */
export async function applyConfig(state: PoolState, next: PoolConfig): Promise<void> {
  const { host, members } = state
  const previous = state.config
  state.config = next
  const wanted = new Set(next.upstreams.map((u) => u.url))
  for (const [id, member] of members) {
    if (!wanted.has(id) && member.idle()) members.delete(id)
  }
  const sameOptions =
    previous !== undefined &&
    JSON.stringify(previous.options) === JSON.stringify(next.options) &&
    previous.model === next.model
  for (const upstream of next.upstreams) {
    const existing = members.get(upstream.url)
    const same =
      existing && sameOptions && JSON.stringify(existing.config) === JSON.stringify(upstream)
    if (same || (existing && !existing.idle())) continue
    const saved = existing ? existing.breaker.toJSON() : await host.loadBreaker(upstream.url)
    const member = createMember(upstream, next.options, saved, host.env, next.model)
    member.breaker.on('change', (t) => {
      host.saveBreaker(member.id, member.breaker.toJSON())
      host.count('tts.edge.pool.breaker_transitions', { upstream: member.name, to: t.to })
      host.log.warn('upstream breaker changed', {
        event: 'breaker_transition',
        upstream: member.name,
        from: t.from,
        to: t.to,
        failures: t.failures,
        ...(t.error === undefined ? {} : { error: codeOf(t.error) }),
      })
      if (t.to === 'open') host.wakeAt(Date.now() + member.breaker.retryAfterMs() + 5)
    })
    members.set(upstream.url, member)
    if (member.breaker.state === 'open') host.wakeAt(Date.now() + member.breaker.retryAfterMs())
  }
}
