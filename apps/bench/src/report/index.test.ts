import { describe, expect, it } from 'vitest'
import type { BenchResult } from '../result/index.ts'
import { measured, notMeasured } from '../result/index.ts'
import { MARKERS, readmeSection, renderTable, replaceSection } from './index.ts'

const result: BenchResult = {
  schema: 1,
  startedAt: '2026-11-25T15:00:00.000Z',
  finishedAt: '2026-11-25T15:01:00.000Z',
  mode: 'quick',
  command: 'pnpm bench --quick',
  git: { commit: 'abcdef1234567890', dirty: false },
  machine: {
    cores: 2,
    cpuModel: 'Test CPU',
    memoryGiB: 4,
    freeMemoryGiB: 2,
    os: 'linux',
    node: 'v24.0.0',
    loadAverage1m: 0.5,
  },
  settings: {},
  rows: [
    {
      id: 4,
      title: 'Coalescing',
      figures: [
        measured('without: syntheses', 10, 'syntheses'),
        notMeasured('with single-flight | p95', 'ms', 'not built yet'),
      ],
      findings: ['10/10 answered 200'],
      losses: [{ what: '10 misses cost 10 syntheses', close: 'single-flight' }],
      settings: {},
      method: '',
      durationS: 1,
    },
  ],
}

describe('report', () => {
  it('prints measured and not-measured figures, and where ours loses', () => {
    const table = renderTable(result)
    expect(table).toContain('| 4 | without: syntheses | 10 syntheses |')
    expect(table).toContain('not measured: not built yet')
    expect(table).toContain('with single-flight \\| p95')
    expect(table).toContain(
      'Where ours loses:\n- 4: 10 misses cost 10 syntheses. What would close it: single-flight',
    )
    expect(table).toContain('2 cores, Test CPU')
  })

  it('replaces only the part between the markers', () => {
    const readme = `# T\n\nintro\n${MARKERS.start}\nold\n${MARKERS.end}\n\nafter\n`
    const out = replaceSection(readme, readmeSection(result, 'bench/results/latest.json'))
    expect(out.startsWith('# T\n\nintro\n<!-- bench:start -->')).toBe(true)
    expect(out).not.toContain('\nold\n')
    expect(out.endsWith(`${MARKERS.end}\n\nafter\n`)).toBe(true)
    expect(replaceSection(out, readmeSection(result, 'x.json'))).toContain('readme x.json')
  })

  it("names the run's own file rather than latest.json, which the next run overwrites", () => {
    const section = readmeSection(result, 'bench/results/latest.json')
    expect(section).toContain('bench/results/2026-11-25T15-00-00-000Z.json')
    expect(section).not.toContain('latest.json')
  })

  it('refuses a README without the markers', () => {
    expect(() => replaceSection('# no markers', 'x')).toThrow(/needs the lines/)
  })
})
