/** @module tsdown.config — @tts/core's entries; shared options in the root tsdown.config.ts. */
import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    ...Object.fromEntries(
      [
        'resilience',
        'crypto',
        'bytes',
        'log',
        'metrics',
        'config',
        'lang',
        'text',
        'audio',
        'errors',
        'testing',
      ].map((name) => [`${name}/index`, `src/${name}/index.ts`]),
    ),
  },
  plugins: [
    {
      // The n-gram tables are generated data: a map of them would only double the tarball.
      name: 'no-map-for-generated-data',
      transform: {
        filter: { id: /\.gen\.ts$/ },
        handler: (code) => ({ code, map: { version: 3, sources: [], names: [], mappings: '' } }),
      },
    },
  ],
})
