import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, test } from 'node:test'
import { ensureDevSecrets } from './stack.mjs'

const dirs = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function secretsPath() {
  const dir = mkdtempSync(join(tmpdir(), 'tts-stack-test-'))
  dirs.push(dir)
  return join(dir, '.dev.vars')
}

const tokenLines = (text) => text.split('\n').filter((l) => l.startsWith('TOKEN_KEYS='))

test('a new secrets file holds a key, the cache ring and the token ring, readable by the owner only', () => {
  const file = secretsPath()
  const key = ensureDevSecrets(file)
  const text = readFileSync(file, 'utf8')
  assert.match(key, /^tts_dev_/)
  assert.match(text, /^CACHE_KEYS=dev1:[A-Za-z0-9+/]{43}=$/m)
  assert.equal(tokenLines(text).length, 1)
  assert.match(tokenLines(text)[0], /^TOKEN_KEYS=dev1:[A-Za-z0-9+/]{43}=$/)
  assert.equal(statSync(file).mode & 0o777, 0o600)
})

test('a file made before browser tokens gains a token ring once, and keeps its key', () => {
  const file = secretsPath()
  writeFileSync(file, 'TTS_DEV_API_KEY=tts_dev_old\nAPI_KEYS=[]\nCACHE_KEYS=dev1:x\n', {
    mode: 0o600,
  })
  assert.equal(ensureDevSecrets(file), 'tts_dev_old')
  assert.equal(ensureDevSecrets(file), 'tts_dev_old')
  const text = readFileSync(file, 'utf8')
  assert.equal(tokenLines(text).length, 1)
  assert.match(text, /^CACHE_KEYS=dev1:x$/m)
})
