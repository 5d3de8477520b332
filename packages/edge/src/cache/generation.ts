/**
 * @module cache/generation — the cache generation of a tenant: one KV record per tenant
 * (`gen:<owner>`), folded into every cache key of that tenant. A purge writes a new generation
 * (one write); from then on every location derives new keys, so neither its Cache API copies
 * nor R2 objects under the old keys are ever read again. The old objects are removed later by
 * the cron (`cache/housekeeping.ts`).
 *
 * The hit path reads the generation on every request, so an isolate remembers it for
 * {@link GENERATION_MEMO_MS}: a warm hit costs no KV read for it. KV itself may show another
 * location an old value for about 60 s, so a purge holds everywhere within about 90 s (the
 * purging isolate at once). A random id, not a counter: two purges racing from locations with
 * stale views still each produce a generation no entry was ever written under.
 */

/** Who owns a generation: `*` (shared tenancy) or `tenant:<name>`. */
export type GenerationOwner = string

/** A tenant's current generation and when it began (ms since the epoch). */
export interface Generation {
  id: string
  since: number
}

/** How long an isolate trusts a generation it read. */
export const GENERATION_MEMO_MS = 30_000
/** The generation of an owner never purged. */
export const INITIAL_GENERATION: Generation = Object.freeze({ id: '0', since: 0 })

/** KV name of an owner's generation record. */
export const generationName = (owner: GenerationOwner) => `gen:${owner}`
const GENERATION_PREFIX = 'gen:'

const memo = new Map<GenerationOwner, { generation: Generation; at: number }>()

/**
 * The generation owner of a caller: shared tenancy has one generation for everyone (the entries
 * are shared), otherwise the caller's tenant (with `key` tenancy too: a tenant's purge clears the
 * caches of all its keys).
 *
 * @example
 * generationOwner('tenant', 'acme') // 'tenant:acme'
 */
export function generationOwner(
  tenancy: 'shared' | 'tenant' | 'key',
  tenant: string,
): GenerationOwner {
  return tenancy === 'shared' ? '*' : `tenant:${tenant}`
}

function parse(raw: unknown): Generation | undefined {
  const g = raw as Partial<Generation> | null | undefined
  return g && typeof g.id === 'string' && typeof g.since === 'number'
    ? { id: g.id, since: g.since }
    : undefined
}

/**
 * The current generation of `owner`, from the isolate's memo when fresh, else from KV.
 *
 * @example
 * const { id } = await currentGeneration(env.INDEX, 'tenant:acme')
 */
export async function currentGeneration(
  kv: KVNamespace,
  owner: GenerationOwner,
  now: () => number = Date.now,
): Promise<Generation> {
  const known = memo.get(owner)
  if (known && now() - known.at < GENERATION_MEMO_MS) return known.generation
  let raw: unknown
  try {
    raw = await kv.get(generationName(owner), 'json')
  } catch (error) {
    // A KV hiccup should not fail hits: an expired memo is still the best answer there is.
    // Without one, fail: guessing the initial generation could serve purged audio.
    if (known) return known.generation
    throw error
  }
  const generation = parse(raw) ?? INITIAL_GENERATION
  memo.set(owner, { generation, at: now() })
  return generation
}

/**
 * Starts a new generation for `owner`: the purge. One KV write; this isolate sees it at once.
 *
 * @example
 * await bumpGeneration(env.INDEX, 'tenant:acme')
 */
export async function bumpGeneration(
  kv: KVNamespace,
  owner: GenerationOwner,
  now: () => number = Date.now,
): Promise<Generation> {
  const bytes = crypto.getRandomValues(new Uint8Array(9))
  const id = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
  const generation: Generation = { id, since: now() }
  // Metadata too, so the cron reads every owner's generation with one `list`.
  await kv.put(generationName(owner), JSON.stringify(generation), { metadata: generation })
  memo.set(owner, { generation, at: now() })
  return generation
}

/**
 * Every owner's generation recorded in KV (owners never purged are absent: they have
 * {@link INITIAL_GENERATION}).
 *
 * @example
 * const gens = await listGenerations(env.INDEX)
 */
export async function listGenerations(
  kv: KVNamespace,
): Promise<{ generations: Map<GenerationOwner, Generation>; calls: number }> {
  const generations = new Map<GenerationOwner, Generation>()
  let cursor: string | undefined
  let calls = 0
  do {
    const page: KVNamespaceListResult<Generation> = await kv.list<Generation>({
      prefix: GENERATION_PREFIX,
      ...(cursor ? { cursor } : {}),
    })
    calls++
    for (const k of page.keys) {
      const g = parse(k.metadata)
      if (g) generations.set(k.name.slice(GENERATION_PREFIX.length), g)
    }
    cursor = page.list_complete ? undefined : page.cursor
  } while (cursor)
  return { generations, calls }
}

/**
 * Forgets what this isolate remembers (tests: another isolate, which reads KV afresh).
 *
 * @example
 * forgetGenerations()
 */
export function forgetGenerations(): void {
  memo.clear()
}
