/** @module log/types — the shapes shared by the logger and its sinks. */

/** Log levels, least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const

/** One of `LOG_LEVELS`. */
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Structured fields of a log line. */
export type LogData = Record<string, unknown>

/** One log line, as written: `{timestamp, level, message, data}`. */
export interface LogRecord {
  timestamp: string
  level: LogLevel
  message: string
  data: LogData
}

/** Where lines go. `write` gets the JSON line and the (already redacted) record it encodes. */
export interface LogSink {
  write(line: string, record: LogRecord): void
}
