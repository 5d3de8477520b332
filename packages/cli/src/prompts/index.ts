/**
 * @module prompts — every question the CLI asks, in one module over `@clack/prompts`, so tests
 * mock this one thing. A cancelled prompt (Ctrl-C, Esc) becomes a `UserError`. Callers check
 * `ctx.interactive` first: nothing here may run without a terminal.
 */
import * as clack from '@clack/prompts'
import { UserError } from '../errors/index.ts'

/** Returns an error message for a bad value, `undefined` for a good one. */
export type Validator = (value: string) => string | undefined

function settle<T>(value: T): Exclude<T, symbol> {
  if (clack.isCancel(value)) throw new UserError('cancelled', 'cancelled; nothing was changed')
  return value as Exclude<T, symbol>
}

/**
 * Asks for a line of text; `validate` runs on each answer and the question is asked again
 * until it passes.
 *
 * @example
 * const url = await ask({ message: 'Edge endpoint', initial: 'https://tts.example.com', validate })
 */
export async function ask(options: {
  message: string
  initial?: string | undefined
  validate?: Validator
}): Promise<string> {
  return settle(
    await clack.text({
      message: options.message,
      ...(options.initial === undefined ? {} : { initialValue: options.initial }),
      ...(options.validate ? { validate: (v) => options.validate?.(v ?? '') } : {}),
    }),
  )
}

/**
 * Asks for a secret; what is typed shows as bullets.
 *
 * @example
 * const key = await askSecret({ message: 'API key', validate })
 */
export async function askSecret(options: {
  message: string
  validate?: Validator
}): Promise<string> {
  return settle(
    await clack.password({
      message: options.message,
      mask: '•',
      ...(options.validate ? { validate: (v) => options.validate?.(v ?? '') } : {}),
    }),
  )
}

/**
 * Asks a yes/no question.
 *
 * @example
 * if (await confirm({ message: 'Delete the config?', initial: false })) await clear()
 */
export async function confirm(options: { message: string; initial?: boolean }): Promise<boolean> {
  return settle(
    await clack.confirm({ message: options.message, initialValue: options.initial ?? false }),
  )
}

/** A progress bar; `advance` moves it, `stop` ends it with a message. */
export interface Progress {
  advance(step: number, message?: string): void
  stop(message: string): void
}

/**
 * Starts a progress bar of `max` steps (terminal only).
 *
 * @example
 * const bar = progress(lines.length, 'Warming')
 */
export function progress(max: number, message: string): Progress {
  const bar = clack.progress({ max: Math.max(1, max), style: 'heavy' })
  bar.start(message)
  return { advance: (step, m) => bar.advance(step, m), stop: (m) => bar.stop(m) }
}

/**
 * Frames an interactive session.
 *
 * @example
 * intro('tts setup')
 */
export function intro(title: string): void {
  clack.intro(title)
}

/**
 * Ends an interactive session.
 *
 * @example
 * outro('Saved.')
 */
export function outro(message: string): void {
  clack.outro(message)
}

/**
 * A note inside an interactive session.
 *
 * @example
 * note('Checking the endpoint…')
 */
export function note(message: string, kind: 'info' | 'warn' | 'error' | 'success' = 'info'): void {
  clack.log[kind](message)
}
