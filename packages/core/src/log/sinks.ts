/**
 * @module log/sinks — where log lines go: the console (Workers, browsers and Node all collect
 * it) or an array, for tests.
 */
import type { LogRecord, LogSink } from './types.ts'

/**
 * Writes each line to the console method of its level, so Workers Logs and browser consoles
 * keep the level.
 *
 * @example
 * const log = createLogger({ sink: consoleSink })
 */
export const consoleSink: LogSink = {
  write(line, record) {
    switch (record.level) {
      case 'debug':
        console.debug(line)
        break
      case 'info':
        console.log(line)
        break
      case 'warn':
        console.warn(line)
        break
      default:
        console.error(line)
    }
  },
}

/** A sink that keeps what it is given. */
export interface MemorySink extends LogSink {
  /** The JSON lines written, oldest first. */
  readonly lines: string[]
  /** The same lines, parsed. */
  readonly records: LogRecord[]
  clear(): void
}

/**
 * A sink that keeps lines in memory, for tests and for showing recent logs.
 *
 * @example
 * const sink = createMemorySink()
 * createLogger({ sink }).info('hi')
 * sink.records[0]?.message // 'hi'
 */
export function createMemorySink(): MemorySink {
  const lines: string[] = []
  const records: LogRecord[] = []
  return {
    lines,
    records,
    write(line) {
      lines.push(line)
      records.push(JSON.parse(line) as LogRecord)
    },
    clear() {
      lines.length = 0
      records.length = 0
    },
  }
}
