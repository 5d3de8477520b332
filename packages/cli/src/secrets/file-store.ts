/**
 * @module secrets/file-store — the API key in a file when no OS keychain works (headless Linux
 * without a Secret Service, CI containers). The file is created owner-only (0600) in the config
 * directory and holds the key sealed with core's AES-256-GCM envelope.
 *
 * What the encryption protects, honestly: the sealing key is derived (SHA-256) from this
 * machine's id (`/etc/machine-id`, else the host name), the user id and a random salt kept in
 * the file. So a copy of the file that leaves the machine — a backup, a synced dotfiles repo, a
 * file pasted into a support ticket — does not reveal the key, and a grep for the key finds
 * nothing. It does NOT protect against anything running as this user (or root) on this machine:
 * such a program can read the file and derive the same sealing key. The 0600 mode is what keeps
 * other users out. That is why the CLI warns when it falls back to this file.
 */
import { readFileSync } from 'node:fs'
import { mkdir, readFile, unlink } from 'node:fs/promises'
import { hostname, userInfo } from 'node:os'
import { dirname } from 'node:path'
import { atomicWrite } from '@tts/client/node'
import { concatBytes, decodeBase64, encodeBase64 } from '@tts/core/bytes'
import { importKeyRing, openEnvelope, sealEnvelope, sha256 } from '@tts/core/crypto'
import { UserError } from '../errors/index.ts'

const AAD = 'tts-edge-cli/api-key/v1'

interface CredentialFile {
  version: 1
  protection: string
  salt: string
  sealed: string
}

function machineId(): string {
  for (const path of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    try {
      const id = readFileSync(path, 'utf8').trim()
      if (id) return id
    } catch {}
  }
  return `host:${hostname()}`
}

async function ringFor(salt: Uint8Array) {
  const material = new TextEncoder().encode(`${AAD}\0${machineId()}\0${userInfo().uid}\0`)
  const key = await sha256(concatBytes([material, salt]))
  return importKeyRing([{ id: 'machine', key }])
}

/**
 * Seals `apiKey` into `path` (0600, atomic).
 *
 * @example
 * await writeKeyFile('/home/ana/.config/tts-edge/credentials.json', apiKey)
 */
export async function writeKeyFile(path: string, apiKey: string): Promise<void> {
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const sealed = await sealEnvelope(await ringFor(salt), new TextEncoder().encode(apiKey), AAD)
  const file: CredentialFile = {
    version: 1,
    protection:
      'AES-256-GCM, key bound to this machine and user: protects copies of this file, not against programs running as you',
    salt: encodeBase64(salt),
    sealed: encodeBase64(sealed),
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  await atomicWrite(path, `${JSON.stringify(file, null, 2)}\n`, 0o600)
}

/**
 * Opens the key in `path`; `undefined` when there is no file.
 *
 * @example
 * const apiKey = await readKeyFile(path)
 */
export async function readKeyFile(path: string): Promise<string | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  const damaged = (why: string, cause?: unknown) =>
    new UserError(
      'credentials_damaged',
      `the stored API key in ${path} cannot be read (${why}); run \`tts config set apiKey -\` to store it again`,
      cause === undefined ? {} : { cause },
    )
  let file: Partial<CredentialFile>
  try {
    file = JSON.parse(text) as Partial<CredentialFile>
  } catch (error) {
    throw damaged('not valid JSON', error)
  }
  if (file.version !== 1 || typeof file.salt !== 'string' || typeof file.sealed !== 'string') {
    throw damaged('unknown format')
  }
  const salt = decodeBase64(file.salt)
  const sealed = decodeBase64(file.sealed)
  if (!salt || !sealed) throw damaged('its salt or sealed key is not base64')
  try {
    const ring = await ringFor(salt)
    const plain = await openEnvelope(ring, sealed, AAD)
    return new TextDecoder().decode(plain)
  } catch (error) {
    throw damaged('it was sealed on another machine or by another user, or was altered', error)
  }
}

/**
 * Deletes the key file; true when there was one.
 *
 * @example
 * await deleteKeyFile(path)
 */
export async function deleteKeyFile(path: string): Promise<boolean> {
  try {
    await unlink(path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}
