#!/usr/bin/env node
/**
 * @module profile-cli — `pnpm --filter bench profile:hits [--seconds 6] [--connections 8]`: a CPU
 * profile of the edge's cache-hit path. Starts the emulator and the edge as `pnpm bench` does,
 * warms row 1's phrase into a HIT, then runs the same load while the worker isolate's V8
 * profiler samples it (DevTools protocol over wrangler's inspector port), and prints self time
 * per function. Stops everything it started, also on failure. `--out file.cpuprofile` keeps
 * the raw profile (opens in Chrome DevTools).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { speechInit, timedFetch } from './http/index.ts'
import { connectInspector } from './inspector/index.ts'
import { type CpuProfile, summarizeProfile } from './inspector/profile.ts'
import { runLoad } from './load/index.ts'
import { createProcessSet } from './procs/index.ts'
import { HIT_PHRASE } from './rows/cache-hit.ts'
import { XTTS_PROFILE } from './rows/context.ts'
import { startEdge } from './services/edge.ts'
import { startEmulator } from './services/emulator.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..')

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '6' },
      connections: { type: 'string', default: '8' },
      top: { type: 'string', default: '25' },
      out: { type: 'string' },
    },
    strict: true,
  })
  const seconds = Number(values.seconds)
  const connections = Number(values.connections)
  const procs = createProcessSet()
  const tmp = mkdtempSync(join(tmpdir(), 'tts-profile-'))
  try {
    const emulator = await startEmulator(procs, ROOT, XTTS_PROFILE)
    const edge = await startEdge(procs, ROOT, tmp, emulator.url)
    const init = speechInit(HIT_PHRASE, { apiKey: edge.apiKey, format: 'wav' })
    const url = `${edge.url}/v1/audio/speech`
    for (let i = 0; i < 40; i++) {
      const t = await timedFetch(url, init)
      if (t.headers.get('x-tts-cache') === 'HIT') break
      await new Promise((r) => setTimeout(r, 250))
    }
    // A short warm load first, so the profile sees a warm isolate (JIT, memos), as the bench does.
    await runLoad({
      url,
      method: 'POST',
      headers: init.headers,
      body: init.body,
      connections,
      durationS: 1,
    })
    const inspector = await connectInspector(edge.inspectorUrl)
    try {
      await inspector.send('Profiler.enable')
      // 100 µs sampling: enough resolution for a ~10 ms request without drowning the isolate.
      await inspector.send('Profiler.setSamplingInterval', { interval: 100 })
      await inspector.send('Profiler.start')
      const load = await runLoad({
        url,
        method: 'POST',
        headers: init.headers,
        body: init.body,
        connections,
        durationS: seconds,
      })
      const { profile } = (await inspector.send('Profiler.stop')) as { profile: CpuProfile }
      if (values.out) writeFileSync(values.out, JSON.stringify(profile))
      const s = summarizeProfile(profile, Number(values.top))
      console.log(
        `load: ${load.requests} responses, ${load.requestsPerSecond} req/s, p50 ${load.p50Ms} ms (profiling slows it)`,
      )
      console.log(
        `isolate: ${s.wallMs.toFixed(0)} ms profiled, busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms; busy per response ${(s.busyMs / Math.max(1, load.requests)).toFixed(3)} ms`,
      )
      console.log('self ms  busy%  function')
      for (const t of s.top)
        console.log(
          `${t.selfMs.toFixed(1).padStart(7)}  ${(t.busyShare * 100).toFixed(1).padStart(5)}  ${t.frame}`,
        )
    } finally {
      inspector.close()
    }
  } finally {
    await procs.stopAll()
    rmSync(tmp, { recursive: true, force: true })
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `profile: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    )
    process.exit(1)
  },
)
