/**
 * @module commands/warm — `tts warm FILE`: warms the edge cache for a list of phrases through
 * `POST /v1/audio/speech/prefetch`. FILE holds one phrase per line (blank lines and `#` comments
 * skipped) or JSON: an array of strings or of `{text, voice?, language?, format?, speed?}`.
 * Each phrase is checked here first (a bad line is reported with its number, never sent);
 * languages are detected as the SDK does, with the same hint (the shell's locale or
 * `TTS_LANGUAGE_HINT`, commands/language-hint.ts), so warmed entries are the ones `say`
 * will hit.
 * A progress bar shows on a terminal only; the exit is non-zero when any phrase failed, and a
 * 429 (quota spent, tenant queue full, rate limited) stops the run with one line and exit 1.
 */
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { detectLanguage, isXttsLanguage, normalizeLanguage } from '@tts/core/lang'
import { FORMATS } from '../config/index.ts'
import type { CliContext } from '../context/index.ts'
import { UserError } from '../errors/index.ts'
import { readAll } from '../io/index.ts'
import * as prompts from '../prompts/index.ts'
import { languageHint } from './language-hint.ts'
import { edgeTarget, edgeVoice, loadSettings } from './settings.ts'
import { limitError, prefetch } from './warm-prefetch.ts'

const MAX_INPUT = 4096
const BATCH = 50

/** One phrase to warm, with where it came from. */
export interface WarmItem {
  line: number
  input: string
  voice: string
  language: string
  format: string
  speed: number
}

/** A phrase that could not be warmed. */
export interface WarmFailure {
  line: number
  text: string
  error: string
}

/** What `tts warm` reports; `ok` is false when any phrase failed. */
export interface WarmResult {
  ok: boolean
  total: number
  /** Phrases the edge queued now. */
  queued: number
  /** Phrases the edge already had queued for this tenant (not queued twice). */
  duplicates: number
  failed: WarmFailure[]
}

/** Flags of `tts warm`. */
export interface WarmOptions {
  voice?: string | undefined
  format?: string | undefined
  language?: string | undefined
}

interface Entry {
  line: number
  value: unknown
}

function entriesOf(text: string): Entry[] {
  const trimmed = text.trimStart()
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch (error) {
      throw new UserError(
        'invalid_file',
        `the file looks like JSON but does not parse (${(error as Error).message}); use one phrase per line or a JSON array`,
      )
    }
    const list = Array.isArray(parsed) ? parsed : (parsed as { items?: unknown }).items
    if (!Array.isArray(list)) {
      throw new UserError(
        'invalid_file',
        'JSON must be an array of phrases (strings or {text, voice, language, format, speed}) or {items: [...]}',
      )
    }
    return list.map((value, i) => ({ line: i + 1, value }))
  }
  return text
    .split(/\r?\n/)
    .map((value, i) => ({ line: i + 1, value }))
    .filter(
      (e) => (e.value as string).trim() !== '' && !(e.value as string).trimStart().startsWith('#'),
    )
}

async function toItem(
  entry: Entry,
  defaults: { voice: string; format: string; language: string; hint: readonly string[] },
): Promise<WarmItem> {
  const o =
    typeof entry.value === 'string'
      ? { text: entry.value }
      : ((entry.value ?? {}) as Record<string, unknown>)
  const text = typeof o.text === 'string' ? o.text : typeof o.input === 'string' ? o.input : ''
  const input = text.trim()
  if (input === '') throw new Error('no text (give a string or an object with `text`)')
  if (input.length > MAX_INPUT) {
    throw new Error(`the text has ${input.length} characters; at most ${MAX_INPUT} are allowed`)
  }
  const speed = o.speed === undefined ? 1 : Number(o.speed)
  if (!Number.isFinite(speed) || speed < 0.25 || speed > 4) {
    throw new Error(`speed ${String(o.speed)} is out of range; allowed: 0.25 to 4.0`)
  }
  const format = typeof o.format === 'string' ? o.format : defaults.format
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new Error(`format ${format} is not supported; allowed: ${FORMATS.join(', ')}`)
  }
  const lang = typeof o.language === 'string' ? o.language : defaults.language
  let language: string
  if (lang === 'auto')
    language = (await detectLanguage(input, { languageHint: defaults.hint })).language
  else {
    const normal = (() => {
      try {
        return normalizeLanguage(lang)
      } catch {
        return undefined
      }
    })()
    if (!normal || !isXttsLanguage(normal)) {
      throw new Error(`language ${lang} is not one of XTTS's 17 languages`)
    }
    language = normal
  }
  const voice =
    typeof o.voice === 'string' && o.voice !== '' && o.voice !== 'auto' ? o.voice : defaults.voice
  return {
    line: entry.line,
    input,
    voice,
    language,
    format,
    speed,
  }
}

/**
 * Runs `tts warm FILE` (`-` reads stdin).
 *
 * @example
 * const { queued, failed } = await warm(ctx, 'phrases.txt')
 */
export async function warm(
  ctx: CliContext,
  file: string,
  options: WarmOptions = {},
): Promise<WarmResult> {
  const settings = await loadSettings(ctx)
  let text: string
  try {
    text =
      file === '-' ? await readAll(ctx.io.stdin) : await readFile(resolve(ctx.cwd, file), 'utf8')
  } catch (error) {
    throw new UserError(
      'invalid_file',
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    )
  }
  const defaults = {
    // `auto` picks the language, not a speaker: send the SDK's default voice, as `say` does.
    voice: edgeVoice(settings, options.voice ?? settings.config.voice),
    format: options.format ?? settings.config.format,
    language: options.language ?? 'auto',
    hint: languageHint(ctx.env),
  }
  const entries = entriesOf(text)
  if (entries.length === 0) throw new UserError('invalid_file', `${file} holds no phrases`)
  const failed: WarmFailure[] = []
  const items: WarmItem[] = []
  for (const entry of entries) {
    try {
      items.push(await toItem(entry, defaults))
    } catch (error) {
      const shown = typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value)
      failed.push({ line: entry.line, text: shown.slice(0, 60), error: (error as Error).message })
    }
  }
  const bar = ctx.fancy
    ? prompts.progress(entries.length, `Warming ${entries.length} phrases`)
    : undefined
  bar?.advance(failed.length)
  const target = edgeTarget(ctx, settings)
  const groups = new Map<string, WarmItem[]>()
  for (const item of items) {
    const k = `${item.voice}|${item.format}|${item.language}|${item.speed}`
    groups.set(k, [...(groups.get(k) ?? []), item])
  }
  let queued = 0
  let duplicates = 0
  const progress = () =>
    `${queued + duplicates} of ${entries.length} phrases were accepted before it (${queued} queued, ${duplicates} already queued)`
  const send = async (batch: WarmItem[]): Promise<void> => {
    const out = await prefetch(target, batch, (answer) => limitError(answer, progress()))
    if (out.ok) {
      queued += out.queued
      duplicates += out.duplicates
      bar?.advance(batch.length)
      return
    }
    const problem = out.problem
    // A refused batch: find the phrases the edge refuses by sending the halves on their own.
    if (batch.length > 1) {
      const mid = Math.ceil(batch.length / 2)
      await send(batch.slice(0, mid))
      await send(batch.slice(mid))
      return
    }
    const item = batch[0] as WarmItem
    failed.push({ line: item.line, text: item.input.slice(0, 60), error: problem })
    bar?.advance(1)
  }
  try {
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += BATCH) await send(group.slice(i, i + BATCH))
    }
  } finally {
    bar?.stop(`Queued ${queued + duplicates} of ${entries.length}`)
  }
  failed.sort((a, b) => a.line - b.line)
  const { color: c } = ctx
  // `duplicates` were queued already (by an earlier run or another client): nothing to add.
  const already = duplicates ? ` (${duplicates} of them already queued)` : ''
  ctx.print(
    `${failed.length ? c.yellow('!') : c.green('✓')} ${queued + duplicates} of ${entries.length} phrases queued for warming on the edge${already}${failed.length ? `, ${failed.length} failed:` : ''}`,
  )
  for (const f of failed)
    ctx.print(`  ${c.red('✗')} line ${f.line} ${JSON.stringify(f.text)}: ${f.error}`)
  return { ok: failed.length === 0, total: entries.length, queued, duplicates, failed }
}
