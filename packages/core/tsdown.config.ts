/** @module tsdown.config — @tts/core's entries; shared options in the root tsdown.config.ts. */
import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    ...Object.fromEntries(
      ['resilience', 'crypto', 'log', 'metrics', 'config', 'lang', 'text', 'audio', 'errors'].map(
        (name) => [`${name}/index`, `src/${name}/index.ts`],
      ),
    ),
  },
})
