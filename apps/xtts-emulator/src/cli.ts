#!/usr/bin/env node
/**
 * @module cli — `xtts-emulator [--port 0] [--host 127.0.0.1] [--ttfb-ms 600] [--rtf 0.3]
 * [--api-key K] [--faults JSON] [--strict-latents] [--studio-speakers small|real]`; env
 * XTTS_EMULATOR_PORT, _HOST, _TTFB_MS, _RTF, _API_KEY, _FAULTS, _STUDIO_SPEAKERS (flags win). Its first stdout line is exactly
 * `xtts-emulator listening on http://<host>:<port>`; tests wait for it.
 */
import { parseArgs } from 'node:util'
import { FaultsError } from './faults/index.ts'
import { startEmulator } from './server/index.ts'
import { STUDIO_SPEAKERS_MODES, type StudioSpeakersMode } from './server/studio.ts'

const USAGE = `usage: xtts-emulator [--port N] [--host H] [--ttfb-ms MS] [--rtf X] [--api-key KEY]
                     [--faults JSON] [--strict-latents] [--studio-speakers small|real]
env: XTTS_EMULATOR_PORT, XTTS_EMULATOR_HOST, XTTS_EMULATOR_TTFB_MS, XTTS_EMULATOR_RTF,
     XTTS_EMULATOR_API_KEY, XTTS_EMULATOR_FAULTS (JSON), XTTS_EMULATOR_STUDIO_SPEAKERS;
     flags win over env.`

class UsageError extends Error {}

function numberFrom(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined
  const value = Number(raw)
  if (!Number.isFinite(value)) throw new UsageError(`${name} must be a number, got '${raw}'`)
  return value
}

function jsonFrom(name: string, raw: string | undefined): object | undefined {
  if (raw === undefined || raw === '') return undefined
  try {
    return JSON.parse(raw) as object
  } catch {
    throw new UsageError(`${name} must be JSON, e.g. '{"errorRate":0.2}', got '${raw}'`)
  }
}

function studioSpeakersFrom(raw: string | undefined): StudioSpeakersMode | undefined {
  if (raw === undefined || raw === '') return undefined
  const mode = STUDIO_SPEAKERS_MODES.find((m) => m === raw)
  if (!mode) throw new UsageError(`--studio-speakers must be small or real, got '${raw}'`)
  return mode
}

async function main(): Promise<void> {
  const env = process.env
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'ttfb-ms': { type: 'string' },
      rtf: { type: 'string' },
      'api-key': { type: 'string' },
      faults: { type: 'string' },
      'strict-latents': { type: 'boolean' },
      'studio-speakers': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    return
  }
  const port = numberFrom('--port', values.port ?? env.XTTS_EMULATOR_PORT)
  const ttfbMs = numberFrom('--ttfb-ms', values['ttfb-ms'] ?? env.XTTS_EMULATOR_TTFB_MS)
  const rtf = numberFrom('--rtf', values.rtf ?? env.XTTS_EMULATOR_RTF)
  const faults = jsonFrom('--faults', values.faults ?? env.XTTS_EMULATOR_FAULTS)
  const host = values.host ?? env.XTTS_EMULATOR_HOST
  const apiKey = values['api-key'] ?? env.XTTS_EMULATOR_API_KEY
  const studioSpeakers = studioSpeakersFrom(
    values['studio-speakers'] ?? env.XTTS_EMULATOR_STUDIO_SPEAKERS,
  )
  const emulator = await startEmulator({
    ...(port === undefined ? {} : { port }),
    ...(host ? { host } : {}),
    ...(ttfbMs === undefined ? {} : { ttfbMs }),
    ...(rtf === undefined ? {} : { rtf }),
    ...(apiKey ? { apiKey } : {}),
    ...(faults === undefined ? {} : { faults }),
    strictLatents: values['strict-latents'] ?? false,
    ...(studioSpeakers === undefined ? {} : { studioSpeakers }),
  })
  process.stdout.write(`xtts-emulator listening on ${emulator.url}\n`)
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: unknown) => {
  // Only the entry point decides the exit code; user mistakes get one clear line.
  if (
    error instanceof UsageError ||
    error instanceof FaultsError ||
    error instanceof RangeError ||
    (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
  ) {
    process.stderr.write(`xtts-emulator: ${(error as Error).message}\n${USAGE}\n`)
    process.exit(2)
  }
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  process.exit(1)
})
