#!/usr/bin/env node
/**
 * @module bench — `pnpm bench [--quick]` / `make bench ARGS=--quick`: the thin entry; the suite
 * is apps/bench (its package holds the load tool and bundler it needs).
 */
await import('../apps/bench/src/cli.ts')
