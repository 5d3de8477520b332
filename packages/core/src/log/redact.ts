/**
 * @module log/redact — masks secrets in anything about to be logged: by field name
 * (`authorization`, `apiKey`, `token`, `password`, `secret`, `key`, `cookie`, `credential`...)
 * and by pattern inside strings (bearer tokens, `api_key=` / `token=` in URLs, basic-auth URLs,
 * `sk-…`-style provider keys, JWTs, PEM private keys), keeping at most the last 4 characters.
 *
 * Our own code because the maintained redactors fit badly: pino's `fast-redact` takes exact
 * paths (no case-insensitive names at any depth, no patterns inside strings) and leans on Node;
 * the pattern scanners (secret linters) work on files, not on values at runtime. The result is
 * always JSON-safe and never throws: cycles, throwing getters, BigInts, binary data all become
 * short placeholders.
 */

/** The mask shown for a secret too short to keep any of it. */
export const MASK = '****'

/** Options of `redact`. */
export interface RedactOptions {
  /** Strings longer than this are cut, with their full length recorded. Default: no limit. */
  maxTextLength?: number
}

const MAX_DEPTH = 10
const MAX_ARRAY_ITEMS = 50
const MAX_STACK_LENGTH = 4000

// Matched on the field name lower-cased with separators removed ("X-Api-Key" → "xapikey").
const SECRET_NAMES = new Set([
  'key',
  'pass',
  'pwd',
  'auth',
  'sig',
  'jwt',
  'session',
  'sessionid',
  'cookies',
])
const SECRET_SUFFIXES = [
  'token',
  'secret',
  'password',
  'passwd',
  'passphrase',
  'apikey',
  'authorization',
  'credential',
  'credentials',
  'privatekey',
  'accesskey',
  'secretkey',
  'cookie',
  'signature',
]

/**
 * True when a field of this name holds a secret (case and separators ignored). `key` counts,
 * compound names ending in `key` do only when they are known secrets (`apiKey`, `privateKey`):
 * `cacheKey` is a public digest and stays readable.
 *
 * @example
 * isSecretField('X-Api-Key') // true
 * isSecretField('maxTokens') // false
 */
export function isSecretField(name: string): boolean {
  const flat = name.toLowerCase().replace(/[^a-z0-9]/g, '')
  return SECRET_NAMES.has(flat) || SECRET_SUFFIXES.some((suffix) => flat.endsWith(suffix))
}

/**
 * Masks a secret, keeping its last 4 characters only when it is long enough (12+) that they
 * give nothing away.
 *
 * @example
 * maskSecret('sk-proj-0123456789abcdef') // '****cdef'
 * maskSecret('hunter2') // '****'
 */
export function maskSecret(secret: string): string {
  return secret.length >= 12 ? `${MASK}${secret.slice(-4)}` : MASK
}

type Rule = readonly [RegExp, (match: string, ...groups: string[]) => string]

const keep = (prefix: string, secret: string) => `${prefix}${maskSecret(secret)}`

// Names whose value follows `=` (query strings, env lines, form bodies) or `:` (headers, JSON).
const PAIR_NAMES =
  'api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|(?:access|refresh|id|auth|session)[_-]?token|token|client[_-]?secret|secret|password|passwd|pwd|passphrase|signature|credentials?|session[_-]?id|authorization|cookie'

const RULES: readonly Rule[] = [
  [
    /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    (_m, kind) => `-----BEGIN ${kind}PRIVATE KEY-----${MASK}-----END ${kind}PRIVATE KEY-----`,
  ],
  // user:password@ in any URL; the user name stays, it helps and is rarely the secret.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:)([^\s/?#@]+)@/gi, (_m, head, pw) => `${keep(head, pw)}@`],
  [
    /\b(Bearer|Basic)(\s+)([A-Za-z0-9\-._~+/]+=*)/gi,
    (_m, scheme, space, token) => keep(`${scheme}${space}`, token),
  ],
  [
    new RegExp(
      `(?<![A-Za-z0-9])((?:[A-Za-z0-9]+[_-])*(?:${PAIR_NAMES})["']?\\s*[:=]\\s*["']?(?:(?:Bearer|Basic)\\s+)?)([^\\s"'&,;#<>]+)`,
      'gi',
    ),
    // A value already masked by the Bearer rule above is left as it is.
    (m, head, value) => (value.startsWith(MASK) ? m : keep(head, value)),
  ],
  // A bare `key=` (URL query, e.g. ?key=AIza…), but not `key:` which prose uses too often.
  [/(?<![A-Za-z0-9_-])(key=)([^\s"'&,;#<>]+)/gi, (_m, head, value) => keep(head, value)],
  [/\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, (m) => maskSecret(m)],
  [/\b(?:sk|rk)[-_][A-Za-z0-9_-]{16,}/g, (m) => maskSecret(m)],
  [/\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g, (m) => maskSecret(m)],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/g, (m) => maskSecret(m)],
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, (m) => maskSecret(m)],
  [/\bAIza[0-9A-Za-z_-]{30,}/g, (m) => maskSecret(m)],
  [/\bhf_[A-Za-z0-9]{30,}/g, (m) => maskSecret(m)],
]

/**
 * Masks secret-looking parts of a string (see the module comment for the shapes).
 *
 * @example
 * redactString('GET /tts?api_key=abcdef0123456789 failed') // 'GET /tts?api_key=****6789 failed'
 */
export function redactString(text: string): string {
  let out = text
  for (const [pattern, replace] of RULES) {
    out = out.replace(pattern, replace as (match: string, ...rest: unknown[]) => string)
  }
  return out
}

/**
 * A JSON-safe copy of `value` with secrets masked by field name and by pattern, and long
 * strings cut (keeping their length). Never throws; cycles become `'[Circular]'`.
 *
 * @example
 * redact({ headers: { Authorization: 'Bearer abc.def.ghi-123456' }, text: 'Hi' })
 * // { headers: { Authorization: '****3456' }, text: 'Hi' }
 */
export function redact(value: unknown, options: RedactOptions = {}): unknown {
  const limit = options.maxTextLength ?? Number.POSITIVE_INFINITY
  try {
    return walk(value, limit, new Set(), 0)
  } catch {
    return '[Unserializable]'
  }
}

/**
 * Cuts `text` to `limit` characters (never inside a surrogate pair), recording its length
 * (`fullLength` when `text` is itself a cut of something longer).
 *
 * @example
 * truncateText('a'.repeat(300), 5) // 'aaaaa… [truncated, 300 chars]'
 */
export function truncateText(text: string, limit: number, fullLength = text.length): string {
  if (text.length <= limit && fullLength <= limit) return text
  let end = Math.max(0, limit)
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  return `${text.slice(0, end)}… [truncated, ${fullLength} chars]`
}

// Only what survives the cut is scanned, so a megabyte body costs no more than its head. The
// margin lets a secret that starts before the cut still match its whole pattern.
const SCAN_MARGIN = 512

function redactAndCut(text: string, limit: number): string {
  const head = text.length > limit + SCAN_MARGIN ? text.slice(0, limit + SCAN_MARGIN) : text
  return truncateText(redactString(head), limit, text.length)
}

function walk(value: unknown, limit: number, ancestors: Set<object>, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return redactAndCut(value, limit)
    case 'number':
      return Number.isFinite(value) ? value : String(value)
    case 'boolean':
    case 'undefined':
      return value
    case 'bigint':
      return `${value}n`
    case 'symbol':
      return value.toString()
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`
  }
  if (value === null) return null
  const object = value as object
  if (ancestors.has(object)) return '[Circular]'
  if (depth >= MAX_DEPTH) return '[Too deep]'
  ancestors.add(object)
  try {
    return walkObject(object, limit, ancestors, depth + 1)
  } catch {
    return '[Unserializable]'
  } finally {
    ancestors.delete(object)
  }
}

function walkObject(object: object, limit: number, ancestors: Set<object>, depth: number): unknown {
  const next = (v: unknown) => walk(v, limit, ancestors, depth)
  if (object instanceof Error) return walkError(object, limit, ancestors, depth)
  if (ArrayBuffer.isView(object) || object instanceof ArrayBuffer) {
    return `[${object.constructor.name} ${object.byteLength} bytes]`
  }
  if (Array.isArray(object)) {
    const items = object.slice(0, MAX_ARRAY_ITEMS).map(next)
    if (object.length > MAX_ARRAY_ITEMS)
      items.push(`[… ${object.length - MAX_ARRAY_ITEMS} more items]`)
    return items
  }
  if (object instanceof Map || (typeof Headers !== 'undefined' && object instanceof Headers)) {
    return walkEntries((object as Map<unknown, unknown>).entries(), next)
  }
  if (object instanceof Set) return next([...object])
  const toJSON = (object as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') {
    const json: unknown = toJSON.call(object)
    return json === object ? walkEntries(Object.entries(object), next) : next(json)
  }
  return walkEntries(Object.entries(object), next)
}

function walkEntries(entries: Iterable<[unknown, unknown]>, next: (v: unknown) => unknown) {
  const out: Record<string, unknown> = {}
  for (const [rawKey, raw] of entries) {
    const key = String(rawKey)
    out[key] = isSecretField(key) ? maskValue(raw) : next(raw)
  }
  return out
}

function walkError(error: Error, limit: number, ancestors: Set<object>, depth: number) {
  const out: Record<string, unknown> = {
    name: String(error.name),
    message: redactAndCut(String(error.message), limit),
  }
  const rest = walkEntries(
    Object.entries(error).filter(([k]) => k !== 'stack' && k !== 'message' && k !== 'cause'),
    (v) => walk(v, limit, ancestors, depth),
  )
  Object.assign(out, rest)
  if (typeof error.stack === 'string') {
    out.stack = redactAndCut(error.stack, MAX_STACK_LENGTH)
  }
  if (error.cause !== undefined) out.cause = walk(error.cause, limit, ancestors, depth)
  return out
}

function maskValue(value: unknown): unknown {
  if (value === null || value === undefined) return value
  return typeof value === 'string' ? maskSecret(value) : MASK
}
