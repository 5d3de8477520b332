#!/usr/bin/env node
/**
 * @module bin — the `tts` executable: runs the CLI and sets the exit code; nothing else in the
 * package touches `process.exitCode`.
 */
import { run } from './cli/index.ts'

process.exitCode = await run(process.argv.slice(2))
