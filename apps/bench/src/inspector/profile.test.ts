import { describe, expect, it } from 'vitest'
import { type CpuProfile, summarizeProfile } from './profile.ts'

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
})

describe('summarizeProfile', () => {
  it('charges each sample delta to its own frame and leaves idle out of the busy shares', () => {
    const profile: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('openEnvelope', 'file:///x/index.js', 41) },
        { id: 4, callFrame: frame('', 'file:///x/index.js', 9) },
      ],
      startTime: 0,
      endTime: 10_000,
      samples: [2, 3, 3, 4, 2],
      timeDeltas: [1000, 3000, 1000, 1000, 4000],
    }
    const s = summarizeProfile(profile)
    expect(s.wallMs).toBe(10)
    expect(s.idleMs).toBe(5)
    expect(s.busyMs).toBe(5)
    expect(s.top.map((t) => [t.frame, t.selfMs, t.busyShare])).toEqual([
      ['openEnvelope (index.js:42)', 4, 0.8],
      ['(anonymous) (index.js:10)', 1, 0.2],
    ])
  })
})
