#!/usr/bin/env node
/**
 * @module adversarial — `pnpm adversarial [--seed N] [--count 1200] [--concurrency 4]
 * [--deadline-ms 130000]`: starts the stack (XTTS emulator + the edge under `wrangler dev`, local
 * storage in a temporary directory, free ports; scripts/stack.mjs) and sends it generated
 * requests across every route (scripts/lib/adversarial-cases.mjs), then reports what no answer
 * may do: a 5xx, an error that is not `application/problem+json`, an API key or token echoed in
 * headers or body, or no answer within the deadline (a hang). The seed is printed, so a run can
 * be repeated exactly. Exit code 1 when any of the four counts is not 0.
 *
 * The default deadline is the edge's own time budget for a whole answer (120 s, DEADLINE_MS in
 * speech/synthesize.ts) plus 10 s: an answer later than that is work the edge failed to bound,
 * not a long text taking its time.
 *
 * Secrets: the run makes its own API keys in a temporary secrets file, never prints them, and
 * masks them in the findings it prints.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { FAMILIES, seededRandom } from './lib/adversarial-cases.mjs'
import { startStack } from './stack.mjs'

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    count: { type: 'string', default: '1200' },
    concurrency: { type: 'string', default: '4' },
    'deadline-ms': { type: 'string', default: '130000' },
  },
})
const seed = values.seed === undefined ? randomBytes(4).readUInt32BE() : Number(values.seed)
const count = Number(values.count)
const concurrency = Number(values.concurrency)
const deadlineMs = Number(values['deadline-ms'])
for (const [name, v] of Object.entries({ seed, count, concurrency, deadlineMs })) {
  if (!Number.isInteger(v) || v < 0) {
    console.error(`adversarial: --${name} must be a whole number, got "${v}"`)
    process.exit(1)
  }
}
console.log(`adversarial pass: seed ${seed}, ${count} requests, concurrency ${concurrency}`)

// Four speech keys share the load, so the 600/min limit per key is not all the run sees.
const roles = { speech: 4, voices: 1, admin: 1 }
const SCOPES = {
  speech: ['speech'],
  voices: ['speech', 'voices'],
  admin: ['speech', 'voices', 'admin'],
}
const keys = Object.fromEntries(
  Object.entries(roles).map(([role, n]) => [
    role,
    Array.from({ length: n }, () => `tts_adv_${randomBytes(18).toString('base64url')}`),
  ]),
)
const dir = mkdtempSync(join(tmpdir(), 'tts-adversarial-'))
const secretsFile = join(dir, 'dev.vars')
const apiKeys = Object.entries(keys).flatMap(([role, list]) =>
  list.map((k) => ({
    hash: createHash('sha256').update(k).digest('hex'),
    scopes: SCOPES[role],
    tenant: `adv-${role}`,
  })),
)
writeFileSync(
  secretsFile,
  [
    `TTS_DEV_API_KEY=${keys.admin[0]}`,
    `API_KEYS=${JSON.stringify(apiKeys)}`,
    `CACHE_KEYS=adv1:${randomBytes(32).toString('base64')}`,
    `TOKEN_KEYS=advt:${randomBytes(32).toString('base64')}`,
    'UPSTREAM_API_KEY=',
    '',
  ].join('\n'),
  { mode: 0o600 },
)

const logLines = []
// Whatever happens next, the temporary secrets and storage go, and the stack stops.
let stack
const cleanUp = async () => {
  await stack?.stop()
  rmSync(dir, { recursive: true, force: true })
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => cleanUp().finally(() => process.exit(130)))
}
try {
  stack = await startStack({
    ports: { emulator: 0, edge: 0 },
    demo: false,
    persistTo: join(dir, 'state'),
    secretsFile,
    emulator: { ttfbMs: 100, rtf: 0.05 },
    log: (name, line) => logLines.push(`[${name}] ${line}`),
  })
} catch (error) {
  await cleanUp()
  console.error(`adversarial: the stack did not start: ${error.message}`)
  process.exit(1)
}
const edge = stack.urls.edge
let turn = 0
const keyOf = (role) => {
  const list = keys[role]
  return list[turn++ % list.length]
}

async function send(req, signal) {
  const headers = new Headers(req.headers ?? {})
  if (req.auth) headers.set('authorization', `Bearer ${state[req.auth] ?? keyOf(req.auth)}`)
  return fetch(`${edge}${req.path}`, {
    method: req.method,
    headers,
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : (req.body ?? undefined),
    signal,
  })
}

/** What earlier answers gave: a browser token, a cloned voice, a real reference clip. */
const state = {}
try {
  const mint = await send({
    method: 'POST',
    path: '/v1/tokens',
    auth: 'speech',
    headers: { 'content-type': 'application/json' },
    body: '{"ttl_seconds":900}',
  })
  state.token = (await mint.json()).token
  const ref = await send({
    method: 'POST',
    path: '/v1/audio/speech',
    auth: 'voices',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      input: 'This is my voice, recorded for cloning in the adversarial pass.',
      voice: 'alloy',
      response_format: 'wav',
    }),
  })
  state.clip = new Uint8Array(await ref.arrayBuffer())
  const form = new FormData()
  form.append('file', new Blob([state.clip], { type: 'audio/wav' }), 'me.wav')
  const cloned = await send({ method: 'POST', path: '/v1/voices', auth: 'voices', body: form })
  state.voice = (await cloned.json()).id
  console.log(
    `setup: token ${state.token ? 'minted' : 'MISSING'}, reference clip ${state.clip.byteLength} bytes, cloned voice ${state.voice ? 'ok' : 'MISSING'}`,
  )
} catch (error) {
  console.error(`adversarial: setup failed: ${error.message}`)
}

const secrets = [...Object.values(keys).flat(), state.token].filter(Boolean)
const fill = (text) =>
  text
    .replaceAll('{speech}', keys.speech[0])
    .replaceAll('{admin}', keys.admin[0])
    .replaceAll('{token}', state.token ?? '')
    .replaceAll('{voice}', state.voice ?? 'voice_0000000000000000')
const mask = (text) => secrets.reduce((t, s) => t.replaceAll(s, '***'), text)

// Draw every case first, from the seed alone: the requests do not depend on answers' timing.
const rng = seededRandom(seed)
const families = Object.entries(FAMILIES)
const total = families.reduce((n, [, [w]]) => n + w, 0)
const cases = Array.from({ length: count }, () => {
  let r = rng.next() * total
  for (const [family, [weight, make]] of families) {
    r -= weight
    if (r < 0) return { family, ...make(rng) }
  }
  const [family, [, make]] = families[0]
  return { family, ...make(rng) }
})

const stats = {
  statuses: {},
  families: {},
  fiveXX: 0,
  nonProblem: 0,
  echoes: 0,
  hangs: 0,
  transport: 0,
}
const findings = []
/** The `input` of a JSON body, described (length and an escaped start), for a finding. */
function inputOf(c) {
  try {
    const { input } = JSON.parse(c.body)
    if (typeof input !== 'string') return ''
    return ` input ${input.length} chars ${JSON.stringify(input.slice(0, 24))}${input.length > 24 ? '…' : ''}`
  } catch {
    return ''
  }
}
const note = (kind, c, detail) =>
  findings.push(
    `${kind}: [${c.family}] ${c.method} ${mask(c.path).slice(0, 120)}${inputOf(c)} → ${mask(detail).slice(0, 200)}`,
  )

async function runOne(c) {
  const req = {
    ...c,
    path: fill(c.path),
    headers: Object.fromEntries(Object.entries(c.headers ?? {}).map(([k, v]) => [k, fill(v)])),
  }
  if (typeof c.body === 'string') req.body = fill(c.body)
  if (c.clip) {
    req.body = new FormData()
    req.body.append(
      'file',
      new Blob([state.clip ?? new Uint8Array(0)], { type: 'audio/wav' }),
      'me.wav',
    )
  }
  // Credentials this request carried, which its answer must not repeat.
  const sent = [
    ...secrets,
    ...(req.headers.authorization?.length > 20 ? [req.headers.authorization.slice(7)] : []),
  ]
  let res
  let body
  try {
    res = await send(req, AbortSignal.timeout(deadlineMs))
    body = new Uint8Array(await res.arrayBuffer())
  } catch (error) {
    if (error.name === 'TimeoutError') {
      stats.hangs++
      note('hang', c, `no answer in ${deadlineMs} ms`)
    } else {
      stats.transport++
      note('transport', c, String(error.cause?.code ?? error.message))
    }
    return
  }
  stats.statuses[res.status] = (stats.statuses[res.status] ?? 0) + 1
  const type = res.headers.get('content-type') ?? ''
  const text = new TextDecoder('latin1').decode(body)
  const problem = type.startsWith('application/problem+json') ? text : ''
  if (res.status >= 500) {
    stats.fiveXX++
    note(`${res.status}`, c, problem || type)
  }
  if (res.status >= 400 && !type.startsWith('application/problem+json')) {
    stats.nonProblem++
    note('non-problem', c, `${res.status} ${type} ${text.slice(0, 100)}`)
  }
  const headerText = [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')
  const minted = c.path === '/v1/tokens' && res.status === 201
  const echoed = sent.filter(
    (s) => !(minted && s === state.token) && (headerText.includes(s) || text.includes(s)),
  )
  if (echoed.length > 0) {
    stats.echoes++
    note('echo', c, `${res.status}: a credential the request carried is in the answer`)
  }
}

const started = performance.now()
let next = 0
let done = 0
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < cases.length) {
      const c = cases[next++]
      stats.families[c.family] = (stats.families[c.family] ?? 0) + 1
      await runOne(c)
      if (++done % 200 === 0) console.log(`  ${done}/${count} sent`)
    }
  }),
)
const seconds = ((performance.now() - started) / 1000).toFixed(1)
await cleanUp()
if (process.env.ADVERSARIAL_KEEP_LOG)
  writeFileSync(join(process.cwd(), 'adversarial.log'), mask(logLines.join('\n')))

console.log(`\n${count} requests in ${seconds} s (seed ${seed})`)
console.log(
  `families: ${Object.entries(stats.families)
    .map(([f, n]) => `${f} ${n}`)
    .join(', ')}`,
)
console.log(
  `statuses: ${Object.entries(stats.statuses)
    .map(([s, n]) => `${s}×${n}`)
    .join(' ')}`,
)
console.log(`5xx: ${stats.fiveXX}`)
console.log(`non-problem errors: ${stats.nonProblem}`)
console.log(`key echoes: ${stats.echoes}`)
console.log(`hangs (> ${deadlineMs} ms): ${stats.hangs}`)
console.log(`transport errors: ${stats.transport}`)
for (const f of findings.slice(0, 40)) console.log(`  ${f}`)
if (findings.length > 40) console.log(`  … and ${findings.length - 40} more`)
process.exit(
  stats.fiveXX + stats.nonProblem + stats.echoes + stats.hangs + stats.transport > 0 ? 1 : 0,
)
