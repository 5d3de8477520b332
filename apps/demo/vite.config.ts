/**
 * @module vite.config — the demo's dev server and build. Two additions to plain Vite: in dev, the
 * emulator's fault endpoint is proxied at `/__emulator/__faults` (the switch talks to it
 * same-origin and the page never learns the emulator's address), and espeak-ng's voice data is
 * served at `/espeak-ng.data` for the in-browser fallback engine; `/__tts/token` mints the page's
 * browser tokens with a key only the dev server holds (token-endpoint.ts), and `/__tts/readyz`
 * reads the edge's upstream details with that key (ready-endpoint.ts).
 */
import { createReadStream, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { defineConfig, type Plugin } from 'vite'
import { readyEndpoint } from './ready-endpoint.ts'
import { tokenEndpoint } from './token-endpoint.ts'

const require = createRequire(import.meta.url)
const espeakData = join(
  dirname(require.resolve('@echogarden/espeak-ng-emscripten/package.json')),
  'espeak-ng.data',
)

/** Serves espeak-ng.data in dev and emits it into the build, without copying it into the repo. */
function espeakDataAsset(): Plugin {
  return {
    name: 'demo:espeak-data',
    configureServer(server) {
      server.middlewares.use('/espeak-ng.data', (_req, res) => {
        res.setHeader('content-type', 'application/octet-stream')
        res.setHeader('content-length', String(statSync(espeakData).size))
        res.setHeader('cache-control', 'max-age=86400')
        createReadStream(espeakData).pipe(res)
      })
    },
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'espeak-ng.data',
        source: readFileSync(espeakData),
      })
    },
  }
}

const emulator = process.env.VITE_TTS_EMULATOR

export default defineConfig({
  plugins: [
    espeakDataAsset(),
    tokenEndpoint({
      endpoint: process.env.VITE_TTS_ENDPOINT || 'http://127.0.0.1:8787',
      apiKey: process.env.TTS_DEMO_API_KEY,
    }),
    readyEndpoint({
      endpoint: process.env.VITE_TTS_ENDPOINT || 'http://127.0.0.1:8787',
      apiKey: process.env.TTS_DEMO_API_KEY,
    }),
  ],
  server: {
    host: '127.0.0.1',
    proxy: emulator
      ? {
          '/__emulator/__faults': {
            target: emulator,
            rewrite: (path) => path.replace(/^\/__emulator/, ''),
          },
        }
      : {},
  },
  // espeak-ng (wasm2js) and the n-gram data of language detection are lazy chunks of 0.5–0.8 MB,
  // loaded only when used; the page itself is under 100 KB.
  build: { target: 'es2023', chunkSizeWarningLimit: 800 },
})
