import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { createEspeakEngine } from './browser.ts'
import { loadNodeData } from './data/node.ts'

// Follows relative static imports from a file, the graph a bundler would put in a browser build.
function importGraph(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen
  seen.add(entry)
  const source = readFileSync(entry, 'utf8')
  for (const match of source.matchAll(
    /(?:import|export)[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g,
  )) {
    const specifier = match[1] ?? match[2] ?? ''
    if (specifier.startsWith('.')) importGraph(resolve(dirname(entry), specifier), seen)
    else seen.add(specifier)
  }
  return seen
}

/** The names a module exports, types too, read from its source (`export {…} from`, declarations). */
function exportedNames(file: string): string[] {
  const source = readFileSync(fileURLToPath(new URL(file, import.meta.url)), 'utf8')
  const names = new Set<string>()
  for (const [, list] of source.matchAll(/export\s*(?:type\s*)?\{([^}]*)\}/g)) {
    for (const item of (list ?? '').split(',')) {
      const name = item
        .replace(/^\s*type\s+/, '')
        .trim()
        .split(/\s+as\s+/)
        .at(-1)
      if (name) names.add(name)
    }
  }
  for (const [, name] of source.matchAll(
    /export\s+(?:async\s+)?(?:function|const|class|interface|type)\s+(\w+)/g,
  ))
    names.add(name ?? '')
  return [...names].sort()
}

describe('browser entry', () => {
  it('exports the same names as the Node entry (bundlers take it, types come from index.d.ts)', async () => {
    expect(exportedNames('./browser.ts')).toEqual(exportedNames('./index.ts'))
    expect(Object.keys(await import('./browser.ts')).sort()).toEqual(
      Object.keys(await import('./index.ts')).sort(),
    )
  })

  it('reaches no Node built-in, statically or lazily', () => {
    const graph = [...importGraph(fileURLToPath(new URL('./browser.ts', import.meta.url)))]
    expect(graph.some((file) => file.endsWith('engine/index.ts'))).toBe(true)
    expect(graph.filter((s) => s.startsWith('node:') || s.endsWith('data/node.ts'))).toEqual([])
  })

  it('says what it needs when given no data source', async () => {
    const engine = createEspeakEngine()
    await expect(engine.synthesize('x', { language: 'en' })).rejects.toMatchObject({
      code: 'engine_unavailable',
    })
  })

  it('fetches the data from dataUrl, reports unusable data as engine_unavailable', async () => {
    const missing = createEspeakEngine({ dataUrl: 'data:text/plain,nothing' })
    await expect(missing.synthesize('x', { language: 'en' })).rejects.toMatchObject({
      code: 'engine_unavailable',
    })
    const engine = createEspeakEngine({ loadData: loadNodeData })
    const result = await engine.synthesize('Hello from the browser build.', {
      language: 'en',
      sampleRate: 24_000,
    })
    expect(result.sampleRate).toBe(24_000)
    expect(result.durationMs).toBeGreaterThan(1000)
  })
})
