/**
 * @module secrets — where the API key lives: `TTS_API_KEY` when set (scripts, CI), else the OS
 * keychain, else — when no keychain works here — the owner-only sealed file of
 * `secrets/file-store`, with a warning the first time that says where and why. The key never
 * goes to the config file, the logs, error messages or `--json` output.
 */
import { dirname, join } from 'node:path'
import { deleteKeyFile, readKeyFile, writeKeyFile } from './file-store.ts'
import type { KeychainBackend } from './keychain.ts'

/** Where a key was found or put. */
export type KeySource = 'env' | 'keychain' | 'file'

/** A key and where it came from. */
export interface FoundKey {
  key: string
  source: KeySource
  /** A description of the place, without the key: `TTS_API_KEY`, `OS keychain`, a path. */
  where: string
}

/** Options of `createKeyStore`. */
export interface KeyStoreOptions {
  /** The config file the key belongs to; the keychain account and the file's directory. */
  configFile: string
  /** The keychain, or `false` where it must not be used (`TTS_KEYCHAIN=off`). */
  keychain: KeychainBackend | false
  env: Record<string, string | undefined>
  /** Prints a warning to the user (stderr). */
  warn: (message: string) => void
}

/** Reads, stores and deletes the API key. */
export interface KeyStore {
  /** The key to use; `prefer` is where the config says it was stored. */
  get(prefer?: 'keychain' | 'file'): Promise<FoundKey | undefined>
  /** Stores the key, in the keychain if one works, else in the file. */
  set(key: string): Promise<{ storage: 'keychain' | 'file'; where: string }>
  /** Removes the key from the keychain and the file; the places it was removed from. */
  delete(): Promise<string[]>
  /** The path of the fallback file. */
  readonly filePath: string
}

/**
 * Creates the key store of one config file.
 *
 * @example
 * const store = createKeyStore({ configFile, keychain: osKeychain(), env: process.env, warn })
 * await store.set(apiKey) // { storage: 'keychain', where: 'OS keychain' }
 */
export function createKeyStore(options: KeyStoreOptions): KeyStore {
  const filePath = join(dirname(options.configFile), 'credentials.json')
  const account = options.configFile
  const { keychain } = options

  const fromKeychain = async (): Promise<FoundKey | undefined> => {
    if (!keychain) return undefined
    try {
      const key = await keychain.get(account)
      return key ? { key, source: 'keychain', where: 'OS keychain' } : undefined
    } catch {
      return undefined
    }
  }
  const fromFile = async (): Promise<FoundKey | undefined> => {
    const key = await readKeyFile(filePath)
    return key ? { key, source: 'file', where: filePath } : undefined
  }

  return {
    filePath,
    async get(prefer) {
      const env = options.env.TTS_API_KEY?.trim()
      if (env) return { key: env, source: 'env', where: 'TTS_API_KEY' }
      if (prefer === 'file') return (await fromFile()) ?? (await fromKeychain())
      return (await fromKeychain()) ?? (await fromFile())
    },
    async set(key) {
      let reason = 'TTS_KEYCHAIN=off'
      if (keychain) {
        try {
          await keychain.set(account, key)
          // A key left in the file from an earlier fallback would be read by mistake later.
          await deleteKeyFile(filePath)
          return { storage: 'keychain', where: 'OS keychain' }
        } catch (error) {
          reason = `the OS keychain is not available here: ${(error as Error).message}`
        }
      }
      const existed = (await readKeyFile(filePath).catch(() => 'damaged')) !== undefined
      await writeKeyFile(filePath, key)
      if (!existed) {
        options.warn(
          `${reason}. The API key is stored in ${filePath} instead: readable by you only (0600) and encrypted with a key bound to this machine and user — that protects copies of the file, not against programs running as you. Use TTS_API_KEY to keep it out of files altogether.`,
        )
      }
      return { storage: 'file', where: filePath }
    },
    async delete() {
      const removed: string[] = []
      if (keychain) {
        try {
          if (await keychain.delete(account)) removed.push('OS keychain')
        } catch {}
      }
      if (await deleteKeyFile(filePath)) removed.push(filePath)
      return removed
    },
  }
}

export type { KeychainBackend } from './keychain.ts'
export { osKeychain } from './keychain.ts'
