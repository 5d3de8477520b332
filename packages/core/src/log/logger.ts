/**
 * @module log/logger — JSON-line logger: `{timestamp, level, message, data}`, level filtering,
 * child loggers with bound context, `METRIC` lines, every record redacted before it is written.
 * Logging never throws: a broken sink or clock costs the line, not the request.
 */
import { TtsError } from '../errors/index.ts'
import { redact, redactString, truncateText } from './redact.ts'
import { consoleSink } from './sinks.ts'
import { LOG_LEVELS, type LogData, type LogLevel, type LogRecord, type LogSink } from './types.ts'

/** Strings in `data` longer than this are cut (their length is kept) unless told otherwise. */
export const DEFAULT_MAX_TEXT_LENGTH = 256

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Least severe level written. Default `'info'`. */
  level?: LogLevel
  /** Default `consoleSink`. */
  sink?: LogSink
  /** Fields added to the `data` of every line. */
  context?: LogData
  /**
   * Strings in `data` longer than this are cut, with their length recorded. Default 256.
   * Messages, written by us rather than users, may be four times as long.
   */
  maxTextLength?: number
  /** Clock for timestamps (ms since the epoch). Default `Date.now`. */
  now?: () => number
}

/** A structured logger. */
export interface Logger {
  readonly level: LogLevel
  isEnabled(level: LogLevel): boolean
  debug(message: string, data?: LogData | Error): void
  info(message: string, data?: LogData | Error): void
  warn(message: string, data?: LogData | Error): void
  error(message: string, data?: LogData | Error): void
  /** A logger that adds `context` to every line (after the parent's context). */
  child(context: LogData): Logger
  /**
   * Writes `{"message":"METRIC","data":{"metric":name,"value":value,"unit":unit,...data}}` at
   * level info.
   */
  metric(name: string, value: number, unit: string, data?: LogData): void
}

interface Settings {
  level: LogLevel
  rank: number
  sink: LogSink
  context: LogData
  maxTextLength: number
  now: () => number
}

/**
 * Creates a logger writing JSON lines.
 *
 * @example
 * const log = createLogger({ level: 'debug', context: { service: 'edge' } })
 * log.child({ requestId }).info('synthesis done', { ms: 450, text })
 * log.metric('tts.synthesis.duration', 450, 'ms', { provider: 'coqui' })
 * // {"timestamp":"…","level":"info","message":"METRIC","data":{"metric":"tts.synthesis.duration","value":450,"unit":"ms","provider":"coqui"}}
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  return makeLogger(normalizeLoggerOptions(options))
}

function normalizeLoggerOptions(options: LoggerOptions): Settings {
  const level = options.level ?? 'info'
  const rank = LOG_LEVELS.indexOf(level)
  if (rank < 0) {
    throw new TtsError(
      'invalid_config',
      `log level '${String(level)}' is not known; allowed: ${LOG_LEVELS.join(', ')}`,
    )
  }
  const maxTextLength = options.maxTextLength ?? DEFAULT_MAX_TEXT_LENGTH
  if (!Number.isInteger(maxTextLength) || maxTextLength < 1) {
    throw new TtsError(
      'invalid_config',
      `maxTextLength ${String(maxTextLength)} is not allowed; allowed: an integer of at least 1`,
    )
  }
  return {
    level,
    rank,
    sink: options.sink ?? consoleSink,
    context: options.context ?? {},
    maxTextLength,
    now: options.now ?? Date.now,
  }
}

function makeLogger(settings: Settings): Logger {
  const enabled = (level: LogLevel) => LOG_LEVELS.indexOf(level) >= settings.rank
  const emit = (level: LogLevel, message: string, data: LogData) => {
    if (enabled(level)) write(settings, level, message, data)
  }
  const toData = (data: LogData | Error | undefined): LogData => {
    if (data === undefined) return { ...settings.context }
    if (data instanceof Error) return { ...settings.context, error: data }
    if (typeof data !== 'object' || data === null) return { ...settings.context, value: data }
    return { ...settings.context, ...data }
  }
  return {
    level: settings.level,
    isEnabled: enabled,
    debug: (message, data) => emit('debug', message, toData(data)),
    info: (message, data) => emit('info', message, toData(data)),
    warn: (message, data) => emit('warn', message, toData(data)),
    error: (message, data) => emit('error', message, toData(data)),
    child: (context) => makeLogger({ ...settings, context: { ...settings.context, ...context } }),
    metric(name, value, unit, data) {
      // Built in this order so the three metric fields lead the line, as the guide shows.
      const fields: LogData = { metric: name, value, unit, ...settings.context, ...data }
      fields.metric = name
      fields.value = value
      fields.unit = unit
      emit('info', 'METRIC', fields)
    },
  }
}

function write(settings: Settings, level: LogLevel, message: string, data: LogData): void {
  try {
    const record: LogRecord = {
      timestamp: timestamp(settings.now),
      level,
      message: truncateText(redactString(String(message)), settings.maxTextLength * 4),
      data: redact(data, { maxTextLength: settings.maxTextLength }) as LogData,
    }
    settings.sink.write(JSON.stringify(record), record)
  } catch {
    // A sink that throws must not take the caller down with it; the line is lost.
  }
}

function timestamp(now: () => number): string {
  try {
    return new Date(now()).toISOString()
  } catch {
    return new Date(0).toISOString()
  }
}
