#!/usr/bin/env node
/**
 * @module readme-cli — `pnpm --filter bench readme [results.json] [--write README.md]`: the
 * README's performance section generated from a results file (default
 * bench/results/latest.json). Prints it; with `--write`, replaces the part of the file between
 * `<!-- bench:start -->` and `<!-- bench:end -->`.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { readmeSection, replaceSection } from './report/index.ts'
import type { BenchResult } from './result/index.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')
// pnpm --filter runs scripts in the package directory; paths given are the caller's.
const CWD = process.env.INIT_CWD ?? process.cwd()

try {
  const { values, positionals } = parseArgs({
    options: { write: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  })
  const source = resolve(CWD, positionals[0] ?? join(ROOT, 'bench/results/latest.json'))
  const result = JSON.parse(readFileSync(source, 'utf8')) as BenchResult
  if (result.schema !== 1 || !Array.isArray(result.rows)) {
    throw new Error(`${source} is not a bench result (schema 1 with rows)`)
  }
  const section = readmeSection(result, relative(ROOT, source))
  if (values.write) {
    const target = resolve(CWD, values.write)
    writeFileSync(target, replaceSection(readFileSync(target, 'utf8'), section))
    process.stderr.write(`readme: updated the performance section of ${relative(CWD, target)}\n`)
  } else {
    process.stdout.write(`${section}\n`)
  }
} catch (error) {
  process.stderr.write(`readme: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
