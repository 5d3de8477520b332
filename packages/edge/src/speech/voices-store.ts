/**
 * @module speech/voices-store — cloned voices in KV, owned by the API key that created them.
 * Latents are a likeness of someone's voice, so they are sealed like audio (core envelope,
 * the cache key ring, the KV name as AAD: a value moved to another owner's name fails to
 * open). An isolate keeps recently used voices (bounded LRU, 60 s) so a request does not read
 * ~0.5 MB from KV and decrypt it every time; 60 s is KV's own propagation delay, so a deletion
 * seen elsewhere is no later than KV alone would make it (and is at once in the deleting
 * isolate). Voices stored unsealed by an older release are still read, and sealed on first read.
 */

import { isCryptoError, openEnvelope, sealEnvelope, sha256Hex } from '@tts/core/crypto'
import { LRUCache } from 'lru-cache'
import { keyRingOf } from '../cache/ring.ts'
import { ProblemError } from '../problem/index.ts'
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

/** KV metadata of a voice (listed without reading values). */
interface VoiceMeta {
  name: string
  created: number
  /** Present when the value is a sealed envelope (absent: an older, plaintext JSON value). */
  sealed?: 1
}

/** How many voices, and how many bytes of them, an isolate keeps. */
export const VOICE_MEMO_MAX = 64
export const VOICE_MEMO_MAX_BYTES = 32 * 1024 * 1024
export const VOICE_MEMO_TTL_MS = 60_000

const memo = new LRUCache<string, StoredVoice>({
  max: VOICE_MEMO_MAX,
  maxSize: VOICE_MEMO_MAX_BYTES,
  // Latents are arrays of numbers: about 8 bytes each in the isolate.
  sizeCalculation: (v) =>
    Math.max(1, 8 * (v.latents.speaker_embedding.length + v.latents.gpt_cond_latent.flat().length)),
  ttl: VOICE_MEMO_TTL_MS,
})

/** Forgets every remembered voice (tests). */
export function resetVoiceMemo(): void {
  memo.clear()
}

/** KV name of a voice; also the AAD its envelope is sealed with. */
export const voiceKey = (owner: string, id: string) => `voice:${owner}:${id}`

/** True for ids of cloned voices. */
export const isClonedVoiceId = (voice: string) => /^voice_[0-9a-f]{16,32}$/.test(voice)

async function seal(env: Env, name: string, voice: StoredVoice): Promise<Uint8Array> {
  const plain = new TextEncoder().encode(JSON.stringify(voice))
  return sealEnvelope(await keyRingOf(env), plain, name)
}

/**
 * Stores new latents, sealed, as a voice of `owner`.
 *
 * @example
 * const voice = await saveVoice(env, principal.keyId, 'Grandma', latents)
 */
export async function saveVoice(
  env: Env,
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
  const kvName = voiceKey(owner, id)
  const meta: VoiceMeta = { name, created: voice.created, sealed: 1 }
  await env.INDEX.put(kvName, await seal(env, kvName, voice), { metadata: meta })
  memo.set(kvName, voice)
  return voice
}

/**
 * A voice of `owner`, or undefined. Throws a 400 `unknown_voice` when its envelope does not
 * open (altered, or sealed with a key no longer in the ring).
 *
 * @example
 * const voice = await loadVoice(env, principal.keyId, 'voice_0123456789abcdef0123')
 */
export async function loadVoice(
  env: Env,
  owner: string,
  id: string,
): Promise<StoredVoice | undefined> {
  const kvName = voiceKey(owner, id)
  const known = memo.get(kvName)
  if (known) return known
  const { value, metadata } = await env.INDEX.getWithMetadata<VoiceMeta>(kvName, 'arrayBuffer')
  if (value === null) return undefined
  let voice: StoredVoice
  if (metadata?.sealed === 1) {
    let plain: Uint8Array
    try {
      plain = await openEnvelope(await keyRingOf(env), new Uint8Array(value), kvName)
    } catch (error) {
      if (!isCryptoError(error)) throw error
      // Sealed with a key the ring no longer lists, or altered: it cannot be used again.
      throw new ProblemError(
        'unknown_voice',
        `voice "${id}" can no longer be read (its key left CACHE_KEYS, or it was altered); clone it again`,
        { cause: error },
      )
    }
    voice = JSON.parse(new TextDecoder().decode(plain)) as StoredVoice
  } else {
    // Stored by a release before sealing: read it, and seal it now (once).
    voice = JSON.parse(new TextDecoder().decode(value)) as StoredVoice
    const meta: VoiceMeta = { name: voice.name, created: voice.created, sealed: 1 }
    await env.INDEX.put(kvName, await seal(env, kvName, voice), { metadata: meta })
  }
  memo.set(kvName, voice)
  return voice
}

/** Deletes a voice of `owner`; false when it did not exist. */
export async function deleteVoice(env: Env, owner: string, id: string): Promise<boolean> {
  const kvName = voiceKey(owner, id)
  memo.delete(kvName)
  const exists = (await env.INDEX.getWithMetadata(kvName, 'stream')).value
  if (exists === null) return false
  await exists.cancel()
  await env.INDEX.delete(kvName)
  return true
}

/** The voices of `owner` (metadata only: no value is read). */
export async function listVoices(
  kv: KVNamespace,
  owner: string,
): Promise<{ id: string; name: string; created: number }[]> {
  const prefix = `voice:${owner}:`
  const out: { id: string; name: string; created: number }[] = []
  let cursor: string | undefined
  do {
    const page = await kv.list<VoiceMeta>({ prefix, ...(cursor ? { cursor } : {}) })
    for (const k of page.keys) {
      out.push({
        id: k.name.slice(prefix.length),
        name: k.metadata?.name ?? '',
        created: k.metadata?.created ?? 0,
      })
    }
    cursor = page.list_complete ? undefined : page.cursor
  } while (cursor)
  return out
}
