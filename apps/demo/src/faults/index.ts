/**
 * @module faults — the dev switch's presets and the call that applies them to the XTTS emulator
 * through the dev server's proxy (`/__emulator/__faults`). Each preset sets every field it is
 * about, so switching from one to another never leaves the previous fault behind.
 */

/** Names of the switch's positions. */
export type FaultPreset = 'none' | 'down' | 'slow' | 'cut'

/** The emulator's fault fields each preset sets (the emulator merges them into its state). */
export const FAULT_PRESETS: Readonly<Record<FaultPreset, Record<string, unknown>>> = {
  none: { down: false, firstByteDelayMs: 0, cutAfterBytes: null },
  // Every request's socket is destroyed: a network error for the edge.
  down: { down: true, firstByteDelayMs: 0, cutAfterBytes: null },
  // Past the edge's and the client's 3 s time-to-first-byte budget.
  slow: { down: false, firstByteDelayMs: 8000, cutAfterBytes: null },
  // The stream ends after the header and a little audio: a 200 that must not be cached.
  cut: { down: false, firstByteDelayMs: 0, cutAfterBytes: 4000 },
}

/** Where the dev server proxies the emulator's fault endpoint. */
export const FAULTS_PATH = '/__emulator/__faults'

/**
 * Applies a preset; resolves to the emulator's whole fault state after the change.
 *
 * @example
 * await applyFaultPreset('down') // { down: true, ... }
 */
export async function applyFaultPreset(
  preset: FaultPreset,
  fetcher: typeof fetch = fetch,
): Promise<Record<string, unknown>> {
  const body = FAULT_PRESETS[preset]
  if (!body) throw new Error(`unknown fault preset '${preset}'; use none, down, slow or cut`)
  const res = await fetcher(FAULTS_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!res.ok) throw new Error(`the emulator refused the faults (HTTP ${res.status})`)
  return (await res.json()) as Record<string, unknown>
}

/**
 * Names the preset that a fault state matches, or `'other'` (set by something else).
 *
 * @example
 * presetOf({ down: true, firstByteDelayMs: 0, cutAfterBytes: null }) // 'down'
 */
export function presetOf(state: Record<string, unknown>): FaultPreset | 'other' {
  for (const [name, fields] of Object.entries(FAULT_PRESETS)) {
    if (Object.entries(fields).every(([k, v]) => (state[k] ?? null) === v)) {
      return name as FaultPreset
    }
  }
  return 'other'
}
