/**
 * @module speech/voices-store — cloned voices in KV, owned by the API key that created them.
 * Latents are stored with the digest that goes into cache keys.
 */

import { sha256Hex } from '@tts/core/crypto'
import type { Latents } from '../upstream/index.ts'

/** A cloned voice as stored. */
export interface StoredVoice {
  id: string
  name: string
  latents: Latents
  /** Digest of the latents: the voice's identity in cache keys. */
  identity: string
  created: number
}

const voiceKey = (owner: string, id: string) => `voice:${owner}:${id}`

/** True for ids of cloned voices. */
export const isClonedVoiceId = (voice: string) => /^voice_[0-9a-f]{16,32}$/.test(voice)

/**
 * Stores new latents as a voice of `owner`.
 *
 * @example
 * const voice = await saveVoice(env.INDEX, principal.keyId, 'Grandma', latents)
 */
export async function saveVoice(
  kv: KVNamespace,
  owner: string,
  name: string,
  latents: Latents,
): Promise<StoredVoice> {
  const random = crypto.getRandomValues(new Uint8Array(10))
  const id = `voice_${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`
  const identity = await sha256Hex(
    JSON.stringify([latents.speaker_embedding, latents.gpt_cond_latent]),
  )
  const voice: StoredVoice = { id, name, latents, identity, created: Date.now() }
  await kv.put(voiceKey(owner, id), JSON.stringify(voice), {
    metadata: { name, created: voice.created },
  })
  return voice
}

/** A voice of `owner`, or undefined. */
export async function loadVoice(
  kv: KVNamespace,
  owner: string,
  id: string,
): Promise<StoredVoice | undefined> {
  return (await kv.get<StoredVoice>(voiceKey(owner, id), 'json')) ?? undefined
}

/** Deletes a voice of `owner`; false when it did not exist. */
export async function deleteVoice(kv: KVNamespace, owner: string, id: string): Promise<boolean> {
  const exists = (await kv.getWithMetadata(voiceKey(owner, id))).value !== null
  if (exists) await kv.delete(voiceKey(owner, id))
  return exists
}

/** The voices of `owner`. */
export async function listVoices(
  kv: KVNamespace,
  owner: string,
): Promise<{ id: string; name: string; created: number }[]> {
  const page = await kv.list<{ name: string; created: number }>({ prefix: `voice:${owner}:` })
  return page.keys.map((k) => ({
    id: k.name.slice(`voice:${owner}:`.length),
    name: k.metadata?.name ?? '',
    created: k.metadata?.created ?? 0,
  }))
}
