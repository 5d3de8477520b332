import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKeyStore, type KeychainBackend } from './index.ts'

const KEY = 'tts_secret_for_tests_abcdef123456'
let dir: string
let warnings: string[]
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tts-cli-secrets-'))
  warnings = []
})
afterEach(() => rm(dir, { recursive: true, force: true }))

const failing: KeychainBackend = {
  get: () => Promise.reject(new Error('AccessDenied')),
  set: () => Promise.reject(new Error('AccessDenied')),
  delete: () => Promise.reject(new Error('AccessDenied')),
}
const store = (keychain: KeychainBackend | false, env: Record<string, string> = {}) =>
  createKeyStore({
    configFile: join(dir, 'config.json'),
    keychain,
    env,
    warn: (m) => warnings.push(m),
  })

describe('key store', () => {
  it('falls back to a sealed 0600 file with one warning, and reads it back', async () => {
    const keys = store(failing)
    expect(await keys.set(KEY)).toEqual({ storage: 'file', where: keys.filePath })
    await keys.set(KEY)
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /AccessDenied.*credentials\.json.*not against programs running as you/,
    )
    expect((await stat(keys.filePath)).mode & 0o777).toBe(0o600)
    const raw = await readFile(keys.filePath, 'utf8')
    expect(raw).not.toContain(KEY)
    expect(raw).not.toContain(Buffer.from(KEY).toString('base64'))
    expect(await keys.get()).toEqual({ key: KEY, source: 'file', where: keys.filePath })
  })

  it('refuses a tampered file with a message that says how to fix it', async () => {
    const keys = store(false)
    await keys.set(KEY)
    const file = JSON.parse(await readFile(keys.filePath, 'utf8'))
    const sealed = Buffer.from(file.sealed, 'base64')
    sealed[sealed.length - 1] = (sealed[sealed.length - 1] ?? 0) ^ 1
    await writeFile(keys.filePath, JSON.stringify({ ...file, sealed: sealed.toString('base64') }))
    await expect(keys.get()).rejects.toThrow(/cannot be read.*tts config set apiKey -/)
  })

  it('prefers the keychain when it works and removes a stale fallback file', async () => {
    await store(false).set('tts_old_key_in_file_000000')
    const memory = new Map<string, string>()
    const keychain: KeychainBackend = {
      get: async (a) => memory.get(a) ?? null,
      set: async (a, s) => void memory.set(a, s),
      delete: async (a) => memory.delete(a),
    }
    const keys = store(keychain)
    expect(await keys.set(KEY)).toEqual({ storage: 'keychain', where: 'OS keychain' })
    expect(await keys.get()).toMatchObject({ key: KEY, source: 'keychain' })
    await expect(stat(keys.filePath)).rejects.toThrow()
    expect(await keys.delete()).toEqual(['OS keychain'])
    expect(await keys.get()).toBeUndefined()
  })

  it('lets TTS_API_KEY win over stored keys', async () => {
    const keys = store(false, { TTS_API_KEY: ' tts_env_key_00000000 ' })
    await keys.set(KEY)
    expect(await keys.get()).toEqual({
      key: 'tts_env_key_00000000',
      source: 'env',
      where: 'TTS_API_KEY',
    })
  })
})
