/**
 * @module secrets/keychain — the OS keychain (macOS Keychain, Windows Credential Manager,
 * Secret Service on Linux) through `@napi-rs/keyring`, whose prebuilt binary ships inside the
 * npm package, behind a three-method interface so tests can pass a fake.
 */
import { AsyncEntry } from '@napi-rs/keyring'

/** The keychain operations the key store needs; each rejects when no keychain works here. */
export interface KeychainBackend {
  get(account: string): Promise<string | null>
  set(account: string, secret: string): Promise<void>
  /** True when an entry was deleted. */
  delete(account: string): Promise<boolean>
}

const SERVICE = 'tts-edge'

/**
 * The real OS keychain under the service name `tts-edge`.
 *
 * @example
 * await osKeychain().set('/home/ana/.config/tts-edge/config.json', apiKey)
 */
export function osKeychain(): KeychainBackend {
  const entry = (account: string) => new AsyncEntry(SERVICE, account)
  return {
    get: (account) => entry(account).getPassword(),
    set: (account, secret) => entry(account).setPassword(secret),
    delete: (account) => entry(account).deleteCredential(),
  }
}
