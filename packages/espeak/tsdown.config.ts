/** @module tsdown.config — @tts/espeak's entries; shared options in the root tsdown.config.ts. */
import { defineConfig } from 'tsdown'

export default defineConfig({ entry: ['src/index.ts', 'src/browser.ts'] })
