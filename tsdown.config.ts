/**
 * @module tsdown.config — the one build config of the four published packages (`@tts/core`,
 * `@tts/espeak`, `@tts/client`, `@tts/cli`): ESM, `.d.ts` and source maps into each package's
 * `dist/`. Each package's own `tsdown.config.ts` names only its entries (and, for the CLI, its
 * platform); tsdown's workspace mode merges that over this file. The workspace never needs the
 * build: `exports` point at `src/*.ts`, and only `publishConfig.exports` points at `dist/`.
 *
 * @example
 * pnpm exec tsdown                              # all four packages
 * pnpm exec tsdown -c ../../tsdown.config.ts -F @tts/core   # one (what `pnpm build` in a package runs)
 */
import { defineConfig } from 'tsdown'

export default defineConfig({
  workspace: ['packages/core', 'packages/espeak', 'packages/client', 'packages/cli'],
  format: 'esm',
  // Browser, Worker and Node alike; the CLI overrides this with 'node'.
  platform: 'neutral',
  target: 'es2023',
  dts: true,
  // Maps carry their sources' text, so a stack trace resolves without src/ in the tarball.
  sourcemap: true,
  fixedExtension: false,
  // Dependencies stay imports (tsdown's default for `dependencies`); Node built-ins too, which
  // the 'neutral' platform would otherwise try to resolve.
  deps: { neverBundle: [/^node:/] },
  report: false,
  // rolldown's plugin timing notes are about tsc's declaration pass, which is slow by nature.
  checks: { pluginTimings: false },
  logLevel: 'warn',
  failOnWarn: true,
})
