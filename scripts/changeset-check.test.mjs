import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'

const SCRIPT = fileURLToPath(new URL('./changeset-check.mjs', import.meta.url))
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.invalid',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.invalid',
  CHANGESET_BRANCH: '',
  GITHUB_HEAD_REF: '',
}
let repo

function git(...args) {
  const r = spawnSync('git', args, { cwd: repo, env, encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  return r.stdout
}
function write(path, text) {
  mkdirSync(dirname(join(repo, path)), { recursive: true })
  writeFileSync(join(repo, path), text)
}
function check() {
  const r = spawnSync(process.execPath, [SCRIPT], { cwd: repo, env, encoding: 'utf8' })
  return { status: r.status, out: r.stdout + r.stderr }
}

before(() => {
  repo = mkdtempSync(join(tmpdir(), 'tts-changeset-check-'))
  git('init', '-q', '-b', 'main')
  write('.changeset/README.md', '# Changesets\n')
  write('packages/core/src/a.ts', 'export const a = 1\n')
  write('packages/cli/src/b.ts', 'export const b = 1\n')
  git('add', '.')
  git('commit', '-q', '-m', 'start')
})
after(() => rmSync(repo, { recursive: true, force: true }))

test('on main it passes without looking', () => {
  write('packages/core/src/a.ts', 'export const a = 2\n')
  const { status, out } = check()
  assert.equal(status, 0)
  assert.match(out, /on main/)
  git('checkout', '-q', '--', '.')
})

test('a branch that changes a package without a changeset fails, naming the package', () => {
  git('checkout', '-q', '-b', 'feature')
  write('packages/core/src/a.ts', 'export const a = 3\n')
  git('commit', '-q', '-am', 'change core')
  const { status, out } = check()
  assert.equal(status, 1)
  assert.match(out, /@tts\/core changed \(packages\/core\) but no changeset/)
})

test('a changeset naming another package does not cover it; one naming it does', () => {
  write('.changeset/other.md', '---\n"@tts/cli": patch\n---\n\nCLI fix.\n')
  assert.equal(check().status, 1)
  write('.changeset/core.md', '---\n"@tts/core": minor\n---\n\nCore change.\n')
  const { status, out } = check()
  assert.equal(status, 0, out)
  assert.match(out, /@tts\/core changed; named by \.changeset\/core\.md/)
})

test('a changeset with mangled front matter fails', () => {
  write('.changeset/core.md', '---\n\n## "@tts/core": minor\n\nCore change.\n')
  const { status, out } = check()
  assert.equal(status, 1)
  assert.match(out, /core\.md: its front matter does not parse/)
})

test('test-only changes need no changeset', () => {
  rmSync(join(repo, '.changeset/core.md'))
  rmSync(join(repo, '.changeset/other.md'))
  git('checkout', '-q', '-b', 'tests-only', 'main')
  write('packages/core/src/a.test.ts', 'test()\n')
  git('add', '.')
  git('commit', '-q', '-m', 'tests')
  const { status, out } = check()
  assert.equal(status, 0, out)
  assert.match(out, /0 published package\(s\) changed/)
})
