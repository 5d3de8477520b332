import { describe, expect, it } from 'vitest'
import { isLocalEngineError } from '../errors/index.ts'
import { espeakEngine, missingPackageError } from './espeak.ts'

describe('espeak engine packaging', () => {
  it('names the package to install when the import finds no such package', async () => {
    // A real resolution failure from Node, for a name that is certainly not installed.
    const name = '@tts/espeak-not-installed-for-test'
    const failure = await import(/* @vite-ignore */ name).catch((e: unknown) => e)
    const error = missingPackageError(failure, name)
    expect(isLocalEngineError(error)).toBe(true)
    expect((error as Error).message).toContain(`optional package '${name}'`)
    expect((error as Error).message).toContain(`npm install ${name}`)
    expect((error as { details?: unknown }).details).toEqual({ missingPackage: name })
    expect((error as Error).cause).toBe(failure)
  })

  it('passes other failures through: another package missing, or a broken install', async () => {
    const otherName = '@tts/some-other-missing'
    const other = await import(/* @vite-ignore */ otherName).catch((e: unknown) => e)
    expect(missingPackageError(other, '@tts/espeak')).toBe(other)
    const broken = new Error('espeak-ng.data is truncated')
    expect(missingPackageError(broken, '@tts/espeak')).toBe(broken)
    expect(missingPackageError(undefined, '@tts/espeak')).toBeUndefined()
  })

  it('is available where @tts/espeak is installed (a dev dependency here)', async () => {
    expect(await espeakEngine().isAvailable()).toBe(true)
  })
})
