/**
 * @module rows/footprint — row 7: gzip size of the @tts/client browser bundle without espeak
 * (its own entry, loaded only by apps that want offline speech) and of @tts/core alone (every
 * subpath the package exports), bundled and minified by esbuild for the browser.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'esbuild'
import { type Figure, measured, type RowResult } from '../result/index.ts'
import type { RowContext } from './context.ts'

async function bundle(o: { entry?: string; stdin?: { contents: string; resolveDir: string } }) {
  const result = await build({
    ...(o.entry ? { entryPoints: [o.entry] } : {}),
    ...(o.stdin ? { stdin: { ...o.stdin, loader: 'ts' as const } } : {}),
    bundle: true,
    splitting: Boolean(o.entry),
    format: 'esm',
    platform: 'browser',
    conditions: ['browser'],
    minify: true,
    write: false,
    outdir: '/tmp/tts-bench-footprint',
    logLevel: 'silent',
    metafile: true,
  })
  const entryOut = Object.entries(result.metafile.outputs).find(
    ([, out]) => out.entryPoint !== undefined || o.stdin !== undefined,
  )?.[0]
  const files = result.outputFiles.map((f) => ({
    name: f.path.split('/').pop() ?? f.path,
    bytes: f.contents.byteLength,
    gzip: gzipSync(f.contents, { level: 9 }).byteLength,
  }))
  const entry =
    result.outputFiles
      .map((f, i) => ({ f, i }))
      .filter(({ f }) => entryOut !== undefined && f.path.endsWith(entryOut.split('/').pop() ?? ''))
      .map(({ i }) => files[i])[0] ?? files[0]
  const largest = [...files].sort((a, b) => b.gzip - a.gzip)[0]
  return {
    entryGzip: entry?.gzip ?? 0,
    entryBytes: entry?.bytes ?? 0,
    totalGzip: files.reduce((n, f) => n + f.gzip, 0),
    files: files.length,
    largest,
  }
}

/**
 * @example
 * const row = await footprintRow(ctx)
 */
export async function footprintRow(ctx: RowContext): Promise<RowResult> {
  const client = await bundle({ entry: join(ctx.root, 'packages/client/src/index.ts') })
  const pkg = JSON.parse(readFileSync(join(ctx.root, 'packages/core/package.json'), 'utf8')) as {
    exports: Record<string, unknown>
  }
  const subpaths = Object.keys(pkg.exports).map((k) => k.replace(/^\./, '@tts/core'))
  const contents = subpaths.map((s, i) => `export * as m${i} from '${s}'`).join('\n')
  const core = await bundle({ stdin: { contents, resolveDir: join(ctx.root, 'packages/client') } })
  const withoutLang = subpaths.filter((s) => !s.endsWith('/lang') && s !== '@tts/core')
  const coreNoLang = await bundle({
    stdin: {
      contents: withoutLang.map((s, i) => `export * as m${i} from '${s}'`).join('\n'),
      resolveDir: join(ctx.root, 'packages/client'),
    },
  })
  const figures: Figure[] = [
    measured(
      '@tts/client browser entry (no espeak)',
      client.entryGzip,
      'bytes gzip',
      `${client.entryBytes} B minified`,
    ),
    measured(
      '@tts/client browser, entry + lazy chunks',
      client.totalGzip,
      'bytes gzip',
      `${client.files} files`,
    ),
    measured(
      '@tts/core, every subpath',
      core.totalGzip,
      'bytes gzip',
      `${core.entryBytes} B minified`,
    ),
    measured(
      '@tts/core without lang (its n-gram data)',
      coreNoLang.totalGzip,
      'bytes gzip',
      `${coreNoLang.entryBytes} B minified`,
    ),
  ]
  const findings = [
    `largest client chunk: ${client.largest?.name} at ${client.largest?.gzip} B gzip (loaded lazily)`,
  ]
  return {
    id: 7,
    title: 'Client footprint (esbuild, minified, gzip -9)',
    figures,
    findings,
    losses: [],
    settings: {
      coreSubpaths: subpaths,
      esbuild: 'bundle, minify, platform browser, ESM, splitting for the client',
    },
    method:
      "The client's browser entry (packages/client/src/index.ts), code-split so what loads lazily is counted apart; core as one bundle of every subpath in its package.json exports.",
    durationS: 0,
  }
}
