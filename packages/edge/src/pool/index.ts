/**
 * @module pool — the `UpstreamPool` Durable Object: one view of the upstream servers for every
 * isolate. Issue 5 grows it into breakers, gates, single-flight and failover.
 */
import { DurableObject } from 'cloudflare:workers'

/** The pool of upstream XTTS servers. */
export class UpstreamPool extends DurableObject<Env> {}
