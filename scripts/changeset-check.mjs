#!/usr/bin/env node
/**
 * @module changeset-check — on a branch, fails when a published package changed since the
 * branch left `main` and no changeset added on the branch names it; on `main` itself it passes
 * (the changesets are already merged there). Why not `changeset status --since=main`: it
 * passes as soon as any changeset exists, whichever packages it names, and counts a test-only
 * change as a release. Also fails on a changeset whose front matter does not parse.
 *
 * What counts as a change to a package: any file under its folder except tests (`*.test.ts`,
 * `test/`), benchmarks (`bench/`), Markdown and tool configs (vitest, tsconfig) — what ends up
 * in, or decides, the published tarball. Committed changes and the working tree both count,
 * so it can be run before committing. In a detached checkout (CI), the branch comes from
 * `CHANGESET_BRANCH` (or `GITHUB_HEAD_REF`); a commit that `main` points at is `main`. Runs in
 * the repository of the current directory.
 *
 * @example
 * node scripts/changeset-check.mjs   # "changeset-check: @tts/core changed; named by .changeset/x.md"
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseChangeset, touchedPackages } from './lib/changesets.mjs'
import { PUBLISHED } from './pack.mjs'

const git = (...args) =>
  execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
const lines = (text) => text.split('\n').filter(Boolean)
const root = git('rev-parse', '--show-toplevel').trim()

function currentBranch() {
  const named = git('rev-parse', '--abbrev-ref', 'HEAD').trim()
  if (named !== 'HEAD') return named
  const fromEnv = process.env.CHANGESET_BRANCH || process.env.GITHUB_HEAD_REF
  if (fromEnv) return fromEnv
  try {
    if (git('rev-parse', 'HEAD').trim() === git('rev-parse', 'main').trim()) return 'main'
  } catch {}
  return 'HEAD'
}

function mergeBase() {
  for (const ref of ['main', 'origin/main']) {
    try {
      return git('merge-base', 'HEAD', ref).trim()
    } catch {}
  }
  console.error('changeset-check: no main or origin/main to compare with; fetch main first')
  process.exit(1)
}

const branch = currentBranch()
if (branch === 'main') {
  console.log('changeset-check: on main; nothing to check')
  process.exit(0)
}
const base = mergeBase()
const changed = [
  ...new Set([
    ...lines(git('diff', '--name-only', `${base}...HEAD`)),
    ...lines(git('diff', '--name-only', 'HEAD')),
    ...lines(git('ls-files', '--others', '--exclude-standard')),
  ]),
]
const problems = []
const named = new Map()
for (const file of changed) {
  if (!/^\.changeset\/.+\.md$/.test(file) || file === '.changeset/README.md') continue
  const path = join(root, file)
  if (!existsSync(path)) continue
  const names = parseChangeset(readFileSync(path, 'utf8'))
  if (names === null) {
    problems.push(
      `${file}: its front matter does not parse ('---', "@tts/pkg": minor lines, '---')`,
    )
    continue
  }
  for (const name of names) named.set(name, [...(named.get(name) ?? []), file])
}
const touched = touchedPackages(changed, PUBLISHED)
for (const { name, dir } of touched) {
  if (named.has(name)) {
    console.log(`changeset-check: ${name} changed; named by ${named.get(name).join(', ')}`)
  } else {
    problems.push(
      `${name} changed (${dir}) but no changeset on this branch names it: run \`pnpm changeset\``,
    )
  }
}
if (problems.length > 0) {
  console.error(`changeset-check (branch ${branch}, since ${base.slice(0, 8)}):`)
  for (const p of problems) console.error(`  - ${p}`)
  process.exit(1)
}
console.log(
  `changeset-check: ok (branch ${branch}, ${touched.length} published package(s) changed)`,
)
