/**
 * @module env — the Hono environment of the app: bindings plus per-request variables.
 */
import type { Principal } from './auth/index.ts'
import type { Logger } from './observe/index.ts'

/** Hono `Env` of every route. */
export interface AppEnv {
  Bindings: Env
  Variables: { principal: Principal; log: Logger; requestId: string }
}
