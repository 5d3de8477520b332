// Child process of crash.integration.test.ts: writes cache entries as fast as it can until it
// is killed, announcing each completed write. Run by Node directly (type stripping).
import { fileCache } from '../src/node.ts'

const dir = process.argv[2] as string
const cache = fileCache({ dir })
const key = (n: number) => n.toString(16).padStart(64, '0')

for (let i = 0; ; i++) {
  const audio = new Uint8Array(150_000)
  for (let j = 0; j < audio.length; j++) audio[j] = (i * 31 + j) % 251
  await cache.set(key(i), { audio, mimeType: 'audio/wav', format: 'wav', language: 'en' })
  process.stdout.write(`wrote ${i}\n`)
}
