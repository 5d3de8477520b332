/**
 * Packaging check: the browser entry bundles for the browser with no Node built-in, and its
 * gzip size is printed and held under a bound (espeak excluded — it is a separate entry).
 *
 * Issue 6 aims at ≤ 15 KB gzip. The entry is ~28 KB: ky 2 alone is ~8.5 KB gzip and the
 * client's own code (edge first, breaker, encrypted cache, language, fallback, metrics) about
 * as much again; see the printed breakdown. The bound below is the size reached plus a little
 * room, so added weight fails here and has to be argued for by raising it.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Plugin } from 'esbuild'
import { describe, expect, it } from 'vitest'

/**
 * The entry's gzip bound in bytes: the size reached plus ~0.5 KB of room. Issue 14's streamed
 * playback (WAV decoder and resampler, Web Audio scheduling, first-byte timeouts, the caching
 * stream) took it from 28.3 KB to 31.3 KB: the price of first audio at ~0.7 s instead of ~5 s;
 * `createVoices` (issue 19, ~0.45 KB, dropped by an app's bundler when not imported) and browser
 * tokens (issue 18: `token`/`getToken()`, ~0.4 KB) come on top, and so do issue 18's typed
 * refusals (quota, rate limit, full queue with their x-ratelimit figures, rejected input, request
 * ids on every edge error: ~1.1 KB, 32.6 → 32.9 KB), which tell an app why it hears the device
 * voice and when the edge takes more.
 */
const ENTRY_GZIP_BOUND = 34_200

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)])

/** Records every Node built-in any module asks for, instead of letting esbuild shim it. */
function catchBuiltins(found: string[]): Plugin {
  return {
    name: 'catch-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (builtins.has(args.path) || args.path.startsWith('node:')) {
          found.push(
            `${args.kind} ${args.path} (from ${args.importer.replace(/.*node_modules\//, '')})`,
          )
          return { path: args.path, external: true }
        }
        return undefined
      })
    },
  }
}

async function bundle(entryPoint: string) {
  const outdir = await mkdtemp(join(tmpdir(), 'tts-client-bundle-'))
  const found: string[] = []
  try {
    const result = await build({
      entryPoints: [fileURLToPath(new URL(entryPoint, import.meta.url))],
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['browser'],
      minify: true,
      write: false,
      outdir,
      metafile: true,
      logLevel: 'silent',
      plugins: [catchBuiltins(found)],
    })
    const files = result.outputFiles.map((f) => ({
      name: f.path.slice(outdir.length + 1),
      bytes: f.contents.byteLength,
      gzip: gzipSync(f.contents).byteLength,
    }))
    const entry = files.find((f) => f.name.startsWith('index') || f.name.startsWith('espeak'))
    // Minified bytes per source in the entry chunk, to show where the weight is.
    const output = Object.entries(result.metafile.outputs).find(
      ([k]) => entry && k.endsWith(entry.name),
    )?.[1]
    const parts = new Map<string, number>()
    for (const [path, input] of Object.entries(output?.inputs ?? {})) {
      const dep = /.*node_modules\/(@[^/]+\/[^/]+|[^/]+)/.exec(path)?.[1]
      const core = /\.\.\/core\/src\/([^/]+)/.exec(path)?.[1]
      const name = dep ?? (core ? `@tts/core/${core}` : '@tts/client')
      parts.set(name, (parts.get(name) ?? 0) + input.bytesInOutput)
    }
    const imports = (output?.imports ?? []).map((i) => ({ path: i.path, kind: i.kind }))
    return { found, files, entry, imports, parts: [...parts].sort((a, b) => b[1] - a[1]) }
  } finally {
    await rm(outdir, { recursive: true, force: true })
  }
}

describe('browser bundle', () => {
  it('has no Node built-in and prints its gzip size', async () => {
    const { found, files, entry, imports, parts } = await bundle('../src/index.ts')
    expect(found).toEqual([])
    const lazy = files.filter((f) => f !== entry)
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`
    console.info(
      `[bundle] @tts/client browser entry: ${entry?.bytes} B minified, ${kb(entry?.gzip ?? 0)} gzip ` +
        `(bound ${kb(ENTRY_GZIP_BOUND)}; issue 6 target 15 KB); lazily loaded chunks: ${lazy.map((f) => `${f.name} ${kb(f.gzip)} gzip`).join(', ') || 'none'}`,
    )
    console.info(
      `[bundle] minified bytes by source: ${parts.map(([k, v]) => `${k} ${v}`).join(', ')}`,
    )
    // The only lazy chunks are core's n-gram half (decide-*: scoring and decision rules, which
    // imports the ngrams-* data and the vocabulary.gen-* word lists side by side), reached from
    // the entry by one dynamic import only. The client
    // loads it only to pick a local voice for text whose language neither the call nor its
    // script names; with the edge up, such text goes out as language 'auto'
    // (src/client/language.test.ts checks the model stays unloaded), so a first speak() through
    // the edge loads the entry alone whatever the text.
    expect(lazy.every((f) => /^(ngrams|decide|vocabulary)/.test(f.name))).toBe(true)
    expect(imports.filter((i) => i.kind !== 'dynamic-import')).toEqual([])
    const toModel = imports.filter((i) => /(ngrams|decide)-/.test(i.path))
    expect(toModel.map((i) => i.path)).toEqual([expect.stringMatching(/decide-/)])
    const model = lazy.reduce((n, f) => n + f.gzip, 0)
    console.info(
      `[bundle] first speak() through the edge, any text (Latin with voice 'auto' included): ${kb(entry?.gzip ?? 0)} gzip ` +
        `(the client no longer detects Latin text's language itself, which added the model); ` +
        `first local fallback for Latin text with no language: ${kb((entry?.gzip ?? 0) + model)} gzip (n-gram model ${kb(model)})`,
    )
    expect(entry?.gzip).toBeGreaterThan(1000)
    expect(entry?.gzip).toBeLessThanOrEqual(ENTRY_GZIP_BOUND)
  })

  it('keeps espeak out of the main entry and loads it only from @tts/client/espeak', async () => {
    const main = await bundle('../src/index.ts')
    const all = main.files.map((f) => f.name).join(' ')
    expect(all).not.toMatch(/espeak/i)
    const espeak = await bundle('../src/espeak.ts')
    // espeak-ng's Emscripten glue has one `import('module')` on its Node-only path, never taken
    // in a browser; a static built-in import would break every browser bundler.
    expect(espeak.found.filter((f) => !f.startsWith('dynamic-import '))).toEqual([])
    if (espeak.found.length > 0)
      console.info(`[bundle] espeak entry, Node-only dynamic imports: ${espeak.found.join('; ')}`)
    console.info(
      `[bundle] @tts/client/espeak entry: ${((espeak.entry?.gzip ?? 0) / 1024).toFixed(1)} KB gzip; with its lazy chunks ${(
        espeak.files.reduce((n, f) => n + f.gzip, 0) / 1024
      ).toFixed(1)} KB gzip`,
    )
  })
})
