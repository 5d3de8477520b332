/** @module tsdown.config — @tts/cli's entries; shared options in the root tsdown.config.ts. */
import { defineConfig } from 'tsdown'

// The `tts` bin and the scripting API; Node only, so Node 22.12's syntax is the floor.
export default defineConfig({
  entry: ['src/bin.ts', 'src/index.ts'],
  platform: 'node',
  target: 'node22.12',
})
