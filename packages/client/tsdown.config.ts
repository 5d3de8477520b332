/** @module tsdown.config — @tts/client's entries; shared options in the root tsdown.config.ts. */
import { defineConfig } from 'tsdown'

export default defineConfig({ entry: ['src/index.ts', 'src/node.ts', 'src/espeak.ts'] })
