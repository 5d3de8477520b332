/**
 * @module test/global-setup — starts the real stack (XTTS emulator + edge under wrangler dev)
 * once for every end-to-end file and hands its URLs and test keys to them through `inject`.
 */
import type { TestProject } from 'vitest/node'
import { type Stack, startStack } from './stack.ts'

/** What end-to-end tests get from `inject('stack')`. */
export interface StackInfo {
  edgeUrl: string
  emulatorUrl: string
  userKey: string
  adminKey: string
  quotaKey: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo
  }
}

let stack: Stack | undefined

/** Starts the stack. */
export async function setup(project: TestProject): Promise<void> {
  stack = await startStack()
  const { edgeUrl, emulatorUrl, userKey, adminKey, quotaKey } = stack
  project.provide('stack', { edgeUrl, emulatorUrl, userKey, adminKey, quotaKey })
}

/** Stops what `setup` started. */
export async function teardown(): Promise<void> {
  await stack?.stop()
}
