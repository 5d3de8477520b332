/**
 * @module commands/say — `tts say "text"`: speech through the SDK (edge, local cache, espeak
 * fallback), written to `-o FILE`, piped to stdout, or played; prints which provider answered,
 * the cache status and the latency. `-` reads the text from stdin.
 */
import { spawn, spawnSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join, resolve } from 'node:path'
import type { AudioFormat, FallbackEvent, SynthesizeResult } from '@tts/client'
import { FORMATS } from '../config/index.ts'
import type { CliContext } from '../context/index.ts'
import { UserError } from '../errors/index.ts'
import { formatBytes, readAll } from '../io/index.ts'
import { addCounters } from './cache-counters.ts'
import { cacheDir, makeClient } from './client.ts'
import { loadSettings } from './settings.ts'

/** Flags of `tts say`. */
export interface SayOptions {
  output?: string | undefined
  voice?: string | undefined
  language?: string | undefined
  speed?: string | number | undefined
  format?: string | undefined
  play?: boolean | undefined
  /** False (`--no-store`): nothing of this text is cached, locally or at the edge. */
  store?: boolean | undefined
}

/** What `tts say` reports. */
export interface SayResult {
  provider: SynthesizeResult['provider']
  cacheStatus: SynthesizeResult['cacheStatus']
  latencyMs: number
  language: string
  format: AudioFormat
  bytes: number
  output: string | null
  engine?: string
}

const EXTENSIONS: Record<string, AudioFormat> = {
  '.wav': 'wav',
  '.mp3': 'mp3',
  '.opus': 'opus',
  '.ogg': 'opus',
  '.pcm': 'pcm',
}

function formatOf(options: SayOptions, fallback: AudioFormat): AudioFormat {
  const fromFlag = options.format?.toLowerCase()
  if (fromFlag !== undefined && !(FORMATS as readonly string[]).includes(fromFlag)) {
    throw new UserError(
      'invalid_option',
      `--format ${options.format} is not supported; allowed: ${FORMATS.join(', ')}`,
    )
  }
  const ext = options.output ? extname(options.output).toLowerCase() : ''
  const fromExt = EXTENSIONS[ext]
  if (options.output && options.output !== '-' && ext !== '' && !fromExt) {
    throw new UserError(
      'invalid_option',
      `cannot tell the format of ${options.output}; use .wav, .mp3, .opus (.ogg) or .pcm, or pass --format`,
    )
  }
  if (fromFlag && fromExt && fromFlag !== fromExt) {
    throw new UserError(
      'invalid_option',
      `--format ${fromFlag} does not match the extension of ${options.output}`,
    )
  }
  return (fromFlag as AudioFormat | undefined) ?? fromExt ?? fallback
}

/**
 * The fallback warning. The SDK says "unreachable" for any failure; when the edge did answer
 * (a status), it was the edge's upstream that could not serve, and the line says so (with the
 * request id, to quote). A limit or a text the model refuses is the SDK's own words, with when
 * to try again.
 *
 * @example
 * client.on('fallback', (e) => ctx.warn(fallbackLine(e)))
 */
export function fallbackLine(e: FallbackEvent): string {
  const status = (e.error as { status?: unknown } | undefined)?.status
  const again =
    e.retryAfterMs === undefined
      ? ''
      : `; the edge takes more in ${Math.ceil(e.retryAfterMs / 1000)} s`
  if (LIMITS.has(e.reason)) return `${e.message} (${e.reason}${again})`
  if (typeof status !== 'number') return `${e.message} (${e.reason})`
  const id = e.requestId === undefined ? '' : `, request id ${e.requestId}`
  return `the edge answered ${status} (${e.reason}${id}): its speech upstream could not serve, using device voice`
}

/** Reasons where the edge is fine and said no on purpose. */
const LIMITS = new Set(['quota_exceeded', 'rate_limited', 'input_rejected'])

function speedOf(raw: SayOptions['speed']): number | undefined {
  if (raw === undefined) return undefined
  const speed = Number(raw)
  if (!Number.isFinite(speed) || speed < 0.25 || speed > 4) {
    throw new UserError('invalid_option', `--speed ${raw} is out of range; allowed: 0.25 to 4.0`)
  }
  return speed
}

/**
 * Runs `tts say`.
 *
 * @example
 * await say(ctx, 'Hello there', { output: 'hello.mp3' })
 */
export async function say(
  ctx: CliContext,
  text: string,
  options: SayOptions = {},
): Promise<SayResult> {
  const input = text === '-' ? await readAll(ctx.io.stdin) : text
  if (input.trim() === '')
    throw new UserError('invalid_option', 'nothing to say: the text is empty')
  const toStdout = !options.output && !options.play
  if (toStdout && (ctx.io.stdout.isTTY || ctx.json)) {
    throw new UserError(
      'no_output',
      'say where the audio goes: -o FILE, --play, or pipe stdout to a file or player',
    )
  }
  const settings = await loadSettings(ctx)
  const format = formatOf(options, settings.config.format)
  const speed = speedOf(options.speed)
  const voice = options.voice ?? settings.config.voice
  const client = makeClient(ctx, settings)
  client.on('fallback', (e) => ctx.warn(fallbackLine(e)))
  const result = await client.synthesize(input, {
    voice,
    format,
    ...(options.language ? { language: options.language } : {}),
    ...(speed === undefined ? {} : { speed }),
    ...(options.store === false ? { store: false } : {}),
  })
  const stats = await client.cache.stats()
  if (stats) await addCounters(cacheDir(ctx), stats)
  let output: string | null = null
  if (result.format !== format && !options.play) {
    // The local engine renders WAV only. Writing WAV under the name asked for would mislead
    // players, and another name would surprise scripts: refuse, and say how to get audio now.
    throw new UserError(
      'format_unavailable',
      `the edge could not answer and the local ${result.engine ?? result.provider} voice produces ${result.format} only, not ${format}; nothing was written — ask for ${result.format} (-o FILE.${result.format} or --format ${result.format}) or retry when the edge is back`,
    )
  }
  if (options.output && options.output !== '-') {
    output = resolve(ctx.cwd, options.output)
    await writeFile(output, result.audio)
  } else if (!options.play) {
    ctx.io.stdout.write(result.audio)
  }
  if (options.play) await play(result.audio, result.format)

  const report: SayResult = {
    provider: result.provider,
    cacheStatus: result.cacheStatus,
    latencyMs: result.latencyMs,
    language: result.language,
    format: result.format,
    bytes: result.audio.byteLength,
    output,
    ...(result.engine ? { engine: result.engine } : {}),
  }
  const { color: c } = ctx
  const line = `${c.green('✓')} ${result.provider}${result.engine ? ` (${result.engine})` : ''} · cache ${result.cacheStatus} · ${result.latencyMs} ms · ${result.language} · ${formatBytes(report.bytes)} ${result.format}${output ? ` → ${output}` : ''}`
  if (toStdout) {
    if (!ctx.json) ctx.io.stderr.write(`${line}\n`)
  } else ctx.print(line)
  return report
}

const PLAYERS: ReadonlyArray<readonly [string, string[], AudioFormat[] | 'any']> = [
  ['afplay', [], 'any'],
  ['paplay', [], ['wav']],
  ['aplay', ['-q'], ['wav']],
  ['ffplay', ['-nodisp', '-autoexit', '-loglevel', 'quiet'], 'any'],
  ['mpv', ['--really-quiet'], 'any'],
]

function onPath(command: string): boolean {
  const probe = process.platform === 'win32' ? 'where' : 'which'
  return spawnSync(probe, [command], { stdio: 'ignore' }).status === 0
}

async function play(audio: Uint8Array, format: AudioFormat): Promise<void> {
  const player = PLAYERS.find(
    ([name, , formats]) => (formats === 'any' || formats.includes(format)) && onPath(name),
  )
  if (!player) {
    throw new UserError(
      'no_player',
      `no audio player for ${format} found (tried ${PLAYERS.map((p) => p[0]).join(', ')}); use -o FILE instead`,
    )
  }
  const file = join(tmpdir(), `tts-say-${process.pid}-${Date.now()}.${format}`)
  await writeFile(file, audio)
  await new Promise<void>((done, fail) => {
    const child = spawn(player[0], [...player[1], file], { stdio: 'ignore' })
    child.once('error', fail)
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new UserError('play_failed', `${player[0]} exited with ${code}`)),
    )
  })
}
