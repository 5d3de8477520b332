#!/usr/bin/env node
/**
 * Prints the closing line of a test run from its log: `node scripts/test-summary.mjs LOG [EXIT]`.
 * Used by scripts/run.sh after `pnpm check`; see scripts/lib/test-summary.mjs.
 */
import { readFileSync } from 'node:fs'
import { summarize, summaryLine } from './lib/test-summary.mjs'

const [file, exit = '0'] = process.argv.slice(2)
if (!file) {
  console.error('usage: node scripts/test-summary.mjs LOG [EXIT_CODE]')
  process.exit(2)
}
console.log(summaryLine(summarize(readFileSync(file, 'utf8'), Number(exit))))
