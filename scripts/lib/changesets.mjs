/**
 * @module lib/changesets — the pure half of changeset-check.mjs: reading a changeset's front
 * matter and telling which published packages a list of changed files touches.
 */

// Files that neither ship nor decide what ships: a change to them needs no release.
const NOT_RELEASED =
  /(\.test\.[cm]?[jt]s$|\/test\/|\/bench\/|\.md$|\/vitest\.config\.ts$|\/tsconfig(\.\w+)?\.json$)/

/**
 * The package names a changeset's front matter lists, or null when it does not parse (no
 * `---` block, or a line that is not `"name": major|minor|patch|none`).
 *
 * @example
 * parseChangeset('---\n"@tts/core": minor\n---\n\nNew thing.') // ['@tts/core']
 */
export function parseChangeset(text) {
  const match = /^---\r?\n([\s\S]*?)\r?\n?---(\r?\n|$)/.exec(text)
  if (!match) return null
  const names = []
  for (const line of (match[1] ?? '').split(/\r?\n/).filter((l) => l.trim() !== '')) {
    const entry = /^\s*["']?(@?[\w./-]+)["']?\s*:\s*(major|minor|patch|none)\s*$/.exec(line)
    if (!entry) return null
    names.push(entry[1])
  }
  return names
}

/**
 * The published packages (`{dir, name}`) that the changed files touch, tests and docs aside.
 *
 * @example
 * touchedPackages(['packages/core/src/a.ts'], [{ dir: 'packages/core', name: '@tts/core' }])
 * // [{ dir: 'packages/core', name: '@tts/core' }]
 */
export function touchedPackages(changedFiles, published) {
  return published.filter(({ dir }) =>
    changedFiles.some((f) => f.startsWith(`${dir}/`) && !NOT_RELEASED.test(f)),
  )
}
