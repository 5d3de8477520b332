/**
 * @module server/studio — `GET /studio_speakers`: the small document (6 speakers, 4 latent
 * rows: fast tests) with its length, or the real-sized one (58 speakers × 32 rows, ~37 MB)
 * streamed speaker by speaker, so the emulator never holds it whole and a cut fault applies.
 */
import type { ServerResponse } from 'node:http'
import type { Faults } from '../faults/index.ts'
import { studioSpeakers } from '../speakers/index.ts'
import { realStudioSpeakersJson } from '../speakers/real.ts'
import { createBodyWriter, sendJson } from './http.ts'

/** Which `/studio_speakers` document the emulator serves. */
export type StudioSpeakersMode = 'small' | 'real'

/** The modes `studioSpeakers` / `--studio-speakers` accept. */
export const STUDIO_SPEAKERS_MODES: readonly StudioSpeakersMode[] = ['small', 'real']

/**
 * Answers `/studio_speakers` in `mode`. The real server sends a Content-Length; the real-sized
 * document here goes out chunked instead, which no client of it can tell apart in practice.
 *
 * @example
 * await sendStudioSpeakers(res, 'real', faults)
 */
export async function sendStudioSpeakers(
  res: ServerResponse,
  mode: StudioSpeakersMode,
  faults: Faults,
): Promise<void> {
  if (mode === 'small') return sendJson(res, 200, studioSpeakers())
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' })
  const writer = createBodyWriter(res, faults.cutAfterBytes)
  for (const piece of realStudioSpeakersJson()) {
    // write() resolves once the piece is flushed: one speaker (~640 KB) in memory at a time.
    if (!(await writer.write(Buffer.from(piece)))) return
  }
  writer.end()
}
