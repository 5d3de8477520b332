/**
 * @module @tts/core/log — JSON-line logging with levels, child loggers, METRIC lines and
 * secret redaction, over nothing but `console`.
 */

export type { Logger, LoggerOptions } from './logger.ts'
export { createLogger, DEFAULT_MAX_TEXT_LENGTH } from './logger.ts'
export type { RedactOptions } from './redact.ts'
export { isSecretField, MASK, maskSecret, redact, redactString, truncateText } from './redact.ts'
export type { MemorySink } from './sinks.ts'
export { consoleSink, createMemorySink } from './sinks.ts'
export type { LogData, LogLevel, LogRecord, LogSink } from './types.ts'
export { LOG_LEVELS } from './types.ts'
