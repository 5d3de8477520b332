/**
 * @module context — what a command runs with: the config file, the environment, the streams,
 * the global flags, the key store, a logger and the output helpers. Commands take it as an
 * argument so tests build one over a temp dir and in-memory streams.
 */
import type { Readable, Writable } from 'node:stream'
import { createLogger, type Logger, type LogSink } from '@tts/core/log'
import { createColors } from 'picocolors'
import { configFilePath } from '../config/index.ts'
import * as prompts from '../prompts/index.ts'
import {
  createKeyStore,
  type KeychainBackend,
  type KeyStore,
  osKeychain,
} from '../secrets/index.ts'

type Colors = ReturnType<typeof createColors>

/** The streams a command uses. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean }
  stdout: Writable & { isTTY?: boolean }
  stderr: Writable & { isTTY?: boolean }
}

/** The global flags. */
export interface GlobalOptions {
  json?: boolean
  debug?: boolean
  config?: string | undefined
}

/** What every command runs with. */
export interface CliContext {
  configFile: string
  env: Record<string, string | undefined>
  cwd: string
  io: CliIo
  json: boolean
  debug: boolean
  /** True when prompts may be shown: stdin and stdout are terminals and `--json` is off. */
  interactive: boolean
  /** True when stdout is a terminal and `--json` is off: colour and progress bars. */
  fancy: boolean
  color: Colors
  keys: KeyStore
  logger: Logger
  fetch: typeof fetch
  /** Human output (stdout); silent under `--json`. */
  print(line?: string): void
  /** Warnings (stderr), also under `--json`. */
  warn(line: string): void
}

/** Options of `createContext`; everything but the flags has a default from `process`. */
export interface ContextOptions extends GlobalOptions {
  env?: Record<string, string | undefined>
  cwd?: string
  io?: CliIo
  /** The keychain; default the OS one unless `TTS_KEYCHAIN=off`. */
  keychain?: KeychainBackend | false
  fetch?: typeof fetch
}

/**
 * Builds a context.
 *
 * @example
 * const ctx = createContext({ json: true, env: { TTS_CONFIG_DIR: dir } })
 */
export function createContext(options: ContextOptions = {}): CliContext {
  const env = options.env ?? process.env
  const cwd = options.cwd ?? process.cwd()
  const io = options.io ?? { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }
  const json = options.json === true
  const debug = options.debug === true || /^(1|true)$/i.test(env.TTS_DEBUG ?? '')
  const configFile = configFilePath({ flag: options.config, env, cwd })
  const fancy = io.stdout.isTTY === true && !json
  const interactive = fancy && io.stdin.isTTY === true
  const color = createColors(fancy && env.NO_COLOR === undefined)
  const warn = (line: string) => {
    // Inside a prompt session, a plain line would break its frame; stderr stays for scripts.
    if (interactive) return prompts.note(`warning: ${line}`, 'warn')
    io.stderr.write(
      `${createColors(io.stderr.isTTY === true && env.NO_COLOR === undefined).yellow('warning')}: ${line}\n`,
    )
  }
  const keychain =
    options.keychain ?? (/^(off|0|false)$/i.test(env.TTS_KEYCHAIN ?? '') ? false : osKeychain())
  // Debug and METRIC lines go to stderr, so stdout stays clean for audio and --json.
  const sink: LogSink = { write: (line) => io.stderr.write(`${line}\n`) }
  return {
    configFile,
    env,
    cwd,
    io,
    json,
    debug,
    interactive,
    fancy,
    color,
    keys: createKeyStore({ configFile, keychain, env, warn }),
    logger: createLogger({ level: debug ? 'debug' : 'warn', sink }),
    fetch: options.fetch ?? globalThis.fetch,
    print: (line = '') => {
      if (!json) io.stdout.write(`${line}\n`)
    },
    warn,
  }
}
