/**
 * @module cli — the parser (cac): global flags, noun-then-verb commands, each loaded lazily and
 * called as a plain function with a context. `run` resolves to the exit code; it never exits
 * the process itself (only `bin.ts` does), so tests drive it in-process.
 */
import { createRequire } from 'node:module'
import { isTtsError } from '@tts/core/errors'
import { cac } from 'cac'
import { type CliContext, type ContextOptions, createContext } from '../context/index.ts'
import { isUserError, UserError } from '../errors/index.ts'

// By the package's own name (an `exports` self-reference), so it resolves from src/ and dist/ alike.
const VERSION = (createRequire(import.meta.url)('@tts/cli/package.json') as { version: string })
  .version

type Flags = Record<string, unknown>
// mri, under cac, drops a bare `-`; it stands for stdin, so it travels as this token instead.
const STDIN = '\u0000stdin'
const str = (v: unknown): string | undefined =>
  v === undefined || v === true ? undefined : v === STDIN ? '-' : String(v)
// A flag given without its value is '' here (for the command to refuse), not absent; one given
// twice is its first value shown as given twice, so nothing is silently picked.
const raw = (v: unknown): string | undefined =>
  v === undefined ? undefined : v === true ? '' : Array.isArray(v) ? v.join(' and ') : str(v)

/**
 * Parses `argv` (without node and the script), runs the command and resolves to the exit code:
 * 0 done, 1 a user error or a failed check, 2 an unexpected error.
 *
 * @example
 * const code = await run(['config', 'show', '--json'], { env: { TTS_CONFIG_DIR: dir } })
 */
export async function run(argv: readonly string[], options: ContextOptions = {}): Promise<number> {
  const cli = cac('tts')
  let ctx: CliContext | undefined
  let result: unknown
  const context = (flags: Flags) => {
    ctx = createContext({
      ...options,
      json: flags.json === true,
      debug: flags.debug === true,
      config: str(flags.config),
    })
    return ctx
  }
  const act =
    <A extends unknown[]>(fn: (ctx: CliContext, ...args: A) => Promise<unknown>) =>
    async (...args: A) => {
      const flags = args[args.length - 1] as Flags
      result = await fn(context(flags), ...args)
    }

  cli
    .option('--json', 'Machine-readable output (no colour, no prompts)')
    .option('--debug', 'Debug logs and METRIC lines on stderr (like TTS_DEBUG=1)')
    .option('--config <path>', 'Config file (default: the platform config dir; or TTS_CONFIG_DIR)')
    .option('-v, --version', 'Display the version')

  cli
    .command('setup', 'Configure the endpoint and API key (interactive on a terminal)')
    .option('--endpoint <url>', 'Edge URL (or TTS_ENDPOINT)')
    .option('--api-key-stdin', 'Read the API key from stdin (or set TTS_API_KEY)')
    .option('--timeout-ms <ms>', 'Timeout per request')
    .option('--max-retries <n>', 'Retries')
    .option('--cache-ttl-ms <ms>', 'Local cache TTL')
    .option('--skip-check', 'Save without checking the endpoint and key against the edge')
    .action(
      act(async (ctx, flags: Flags) =>
        (await import('../commands/setup.ts')).setup(ctx, {
          endpoint: str(flags.endpoint),
          apiKeyStdin: flags.apiKeyStdin === true,
          timeoutMs: str(flags.timeoutMs),
          maxRetries: str(flags.maxRetries),
          cacheTtlMs: str(flags.cacheTtlMs),
          skipCheck: flags.skipCheck === true,
        }),
      ),
    )

  cli
    .command(
      'config <action> [key] [value]',
      'config show | config set KEY VALUE (VALUE - reads stdin)',
    )
    .action(
      act(async (ctx, action: string, key: unknown, value: unknown, _flags: Flags) => {
        const m = await import('../commands/config.ts')
        if (action === 'show') return m.configShow(ctx)
        if (action === 'set') {
          if (key === undefined || value === undefined) {
            throw new UserError(
              'invalid_usage',
              'usage: tts config set KEY VALUE (VALUE - reads it from stdin)',
            )
          }
          return m.configSet(ctx, String(key), str(value) ?? '')
        }
        throw new UserError('invalid_usage', `unknown action config ${action}; use show or set`)
      }),
    )

  cli
    .command('clear', 'Delete the config and the stored API key')
    .option('--yes', 'Do not ask for confirmation')
    .action(
      act(async (ctx, flags: Flags) =>
        (await import('../commands/clear.ts')).clear(ctx, { yes: flags.yes === true }),
      ),
    )

  cli
    .command('say <text>', 'Speak text ("-" reads stdin) to a file, stdout or the speakers')
    .option('-o, --output <file>', 'Write audio to FILE (.wav, .mp3, .opus)')
    .option('--voice <voice>', 'Voice, or auto (default from config)')
    .option('--language <lang>', 'Language (skips detection)')
    .option('--speed <n>', '0.25 to 4.0')
    .option('--format <fmt>', 'wav, mp3, opus or pcm')
    .option('--play', 'Play the audio')
    .option('--no-store', 'Keep nothing: no local cache, and the edge caches nothing either')
    .action(
      act(async (ctx, text: unknown, flags: Flags) =>
        (await import('../commands/say.ts')).say(ctx, str(text) ?? '', {
          output: str(flags.output),
          voice: str(flags.voice),
          language: str(flags.language),
          speed: str(flags.speed),
          format: str(flags.format),
          play: flags.play === true,
          store: flags.store !== false,
        }),
      ),
    )

  cli
    .command(
      'warm <file>',
      'Warm the edge cache with phrases (one per line, or JSON; "-" reads stdin)',
    )
    .option('--voice <voice>', 'Default voice')
    .option('--format <fmt>', 'Default format')
    .option('--language <lang>', 'Default language (auto detects)')
    .action(
      act(async (ctx, file: unknown, flags: Flags) =>
        (await import('../commands/warm.ts')).warm(ctx, str(file) ?? '', {
          voice: str(flags.voice),
          format: str(flags.format),
          language: str(flags.language),
        }),
      ),
    )

  cli
    .command('cache <action>', 'cache stats | cache purge (local; --edge for the edge cache)')
    .option('--edge', 'Include the edge cache (purge needs an admin key: TTS_ADMIN_KEY)')
    .option('--yes', 'Do not ask for confirmation (purge; required without a terminal)')
    .action(
      act(async (ctx, action: string, flags: Flags) => {
        const m = await import('../commands/cache.ts')
        if (action === 'stats') return m.cacheStats(ctx, { edge: flags.edge === true })
        if (action === 'purge')
          return m.cachePurge(ctx, { edge: flags.edge === true, yes: flags.yes === true })
        throw new UserError('invalid_usage', `unknown action cache ${action}; use stats or purge`)
      }),
    )

  cli
    .command(
      'voices <action> [arg]',
      'voices list | voices add FILE.wav [--name N] | voices remove ID',
    )
    .option('--name <name>', 'Name of the cloned voice (voices add)')
    .action(
      act(async (ctx, action: string, arg: unknown, flags: Flags) => {
        const m = await import('../commands/voices.ts')
        if (action === 'list') return m.voicesList(ctx)
        if (action === 'add') return m.voicesAdd(ctx, str(arg) ?? '', { name: str(flags.name) })
        if (action === 'remove') return m.voicesRemove(ctx, str(arg) ?? '')
        throw new UserError(
          'invalid_usage',
          `unknown action voices ${action}; use list, add or remove`,
        )
      }),
    )

  cli
    .command('doctor', 'Check config, endpoint, TLS, key, readiness, synthesis, local engine')
    .action(act(async (ctx) => (await import('../commands/doctor.ts')).doctor(ctx)))

  cli
    .command('keys <action>', 'keys create: mint an API key and print its API_KEYS entry')
    .option('--scopes <list>', 'speech, voices, admin (comma-separated; default speech)')
    .option('--tenant <name>', 'Tenant (default "default")')
    .option('--save', "Store the new key as this CLI's key")
    .option('--chars-per-minute <n>', 'Work quota: characters synthesized per minute')
    .option('--chars-per-day <n>', 'Work quota: characters synthesized per day')
    .action(
      act(async (ctx, action: string, flags: Flags) => {
        if (action !== 'create')
          throw new UserError('invalid_usage', `unknown action keys ${action}; use create`)
        return (await import('../commands/keys.ts')).keysCreate(ctx, {
          scopes: str(flags.scopes),
          tenant: str(flags.tenant),
          save: flags.save === true,
          charsPerMinute: raw(flags.charsPerMinute),
          charsPerDay: raw(flags.charsPerDay),
        })
      }),
    )

  cli.help()

  const io = options.io ?? { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr }
  const wantsJson = argv.includes('--json')
  try {
    cli.parse(['node', 'tts', ...argv.map((a) => (a === '-' ? STDIN : a))], { run: false })
    if (cli.options.help) return 0
    // Ours, not cac's: cac ignores --version after a command name.
    if (cli.options.version) {
      io.stdout.write(
        `tts/${VERSION} ${process.platform}-${process.arch} node-${process.version}\n`,
      )
      return 0
    }
    if (!cli.matchedCommand) {
      const name = cli.args[0]
      throw new UserError(
        'invalid_usage',
        name === undefined
          ? 'no command given; see `tts --help`'
          : `unknown command \`${name}\`; see \`tts --help\``,
      )
    }
    await cli.runMatchedCommand()
  } catch (error) {
    return report(error, io, { json: wantsJson, debug: argv.includes('--debug') })
  }
  if (ctx?.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
  const ok = (result as { ok?: unknown } | undefined)?.ok
  return ok === false ? 1 : 0
}

/** Prints an error: one line for the user's errors, the stack for anything unexpected. */
function report(
  error: unknown,
  io: NonNullable<ContextOptions['io']>,
  flags: { json: boolean; debug: boolean },
): number {
  // cac's own usage errors (unknown option, missing argument) are the user's too.
  const usage = error instanceof Error && error.name === 'CACError'
  const forUser = usage || isUserError(error) || isTtsError(error)
  if (forUser) {
    const e = error as Error & { code?: string }
    const code = usage ? 'invalid_usage' : (e.code ?? 'error')
    if (flags.json) io.stdout.write(`${JSON.stringify({ error: { code, message: e.message } })}\n`)
    io.stderr.write(`tts: ${e.message}\n`)
    if (flags.debug && e.stack) io.stderr.write(`${e.stack}\n`)
    return 1
  }
  io.stderr.write(
    `tts: unexpected error — please report it\n${(error as Error)?.stack ?? String(error)}\n`,
  )
  return 2
}
