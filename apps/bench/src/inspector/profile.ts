/**
 * @module inspector/profile — a V8 CPU profile (DevTools `Profiler.stop`) summarised as self
 * time per function: where an isolate's time goes while a load runs. Self time, not total,
 * because it is what code can shrink; `(idle)` and `(program)` are the runtime's share.
 */

/** The parts of a DevTools `Profiler.Profile` this reads. */
export interface CpuProfile {
  nodes: Array<{
    id: number
    callFrame: { functionName: string; url: string; lineNumber: number }
    hitCount?: number
  }>
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

/** One function's self time. */
export interface FrameTime {
  /** `name (file:line)`; anonymous functions are named by their place. */
  frame: string
  selfMs: number
  /** Share of the profile's busy time (everything but `(idle)`). */
  busyShare: number
}

/** A profile's busy time and its top frames. */
export interface ProfileSummary {
  wallMs: number
  idleMs: number
  busyMs: number
  top: FrameTime[]
}

function frameName(cf: CpuProfile['nodes'][number]['callFrame']): string {
  const file = cf.url ? cf.url.slice(cf.url.lastIndexOf('/') + 1) : ''
  const name = cf.functionName || '(anonymous)'
  return file ? `${name} (${file}:${cf.lineNumber + 1})` : name
}

/**
 * Self time per function, largest first.
 *
 * @example
 * const { top } = summarizeProfile(profile, 25)
 */
export function summarizeProfile(profile: CpuProfile, limit = 25): ProfileSummary {
  const byNode = new Map(profile.nodes.map((n) => [n.id, frameName(n.callFrame)]))
  const self = new Map<string, number>()
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  // A sample's delta is the time since the previous one: charge it to the sample's own frame.
  for (let i = 0; i < samples.length; i++) {
    const frame = byNode.get(samples[i] ?? -1) ?? '(unknown)'
    self.set(frame, (self.get(frame) ?? 0) + (deltas[i] ?? 0) / 1000)
  }
  const wallMs = (profile.endTime - profile.startTime) / 1000
  const idleMs = self.get('(idle)') ?? 0
  const busyMs = Math.max(0, [...self.values()].reduce((a, b) => a + b, 0) - idleMs)
  const top = [...self.entries()]
    .filter(([frame]) => frame !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([frame, selfMs]) => ({ frame, selfMs, busyShare: busyMs > 0 ? selfMs / busyMs : 0 }))
  return { wallMs, idleMs, busyMs, top }
}
