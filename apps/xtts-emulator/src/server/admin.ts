/**
 * @module server/admin — the test-only endpoints under `/__`: stats, reset, faults and the
 * latency model, all through the emulator's own public API.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Faults } from '../faults/index.ts'
import type { EmulatorStats } from '../stats/index.ts'
import { readBody, sendError, sendJson } from './http.ts'
import type { LatencyModel } from './pacing.ts'

/** The part of a running emulator the admin endpoints drive. */
export interface AdminTarget {
  stats(text?: string): EmulatorStats
  reset(): void
  faults(): Faults
  setFaults(patch: Partial<Faults>): Faults
  setLatency(patch: Partial<LatencyModel>): LatencyModel
}

/**
 * Answers `GET /__stats`, `POST /__reset` and `GET|POST /__faults`, `/__config` (a POST
 * applies its JSON patch; a bad one is a 400 naming the field).
 *
 * @example
 * if (path.startsWith('/__')) return handleAdmin(emulator, req, res, path)
 */
export async function handleAdmin(
  emulator: AdminTarget,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const method = req.method ?? 'GET'
  if (path === '/__stats' && method === 'GET') {
    const text = new URL(req.url ?? '/', 'http://emulator').searchParams.get('text') ?? undefined
    return sendJson(res, 200, emulator.stats(text))
  }
  if (path === '/__reset' && method === 'POST') {
    emulator.reset()
    return sendJson(res, 200, { ok: true })
  }
  if ((path === '/__faults' || path === '/__config') && (method === 'GET' || method === 'POST')) {
    let patch: Record<string, unknown> = {}
    if (method === 'POST') {
      try {
        patch = JSON.parse(Buffer.from(await readBody(req, 1024 * 1024)).toString('utf8') || '{}')
        if (path === '/__faults') emulator.setFaults(patch)
        else emulator.setLatency(patch)
      } catch (error) {
        return sendJson(res, 400, {
          detail: error instanceof Error ? error.message : String(error),
        })
      }
    }
    return sendJson(res, 200, path === '/__faults' ? emulator.faults() : emulator.setLatency({}))
  }
  return sendError(res, 405)
}
